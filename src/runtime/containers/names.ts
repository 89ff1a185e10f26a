// Container names: Docker's validation, its `adjective_surname` random names, and renaming.
import { ConflictError, InvalidArgumentError } from '../../errors.ts';
import { randomIndex } from '../../store/random-id.ts';
import type { Store } from '../../store/store.ts';
import { type ContainerRecord, nameConflict, recordContainerEvent, updateContainer } from './container-store.ts';

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A user's --name, without Docker's leading slash; Docker's error for characters it refuses. */
export function validName(name: string): string {
  if (!VALID_NAME.test(name)) throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, { exitCode: 125 });
  return name.replace(/^\//, '');
}

/** `rename`, with dockerd's errors: its own name again (400), a name another container holds (409). */
export function renameContainer(store: Store, record: ContainerRecord, newName: string): void {
  const name = validName(newName);
  if (name === record.name) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
  store.db.transaction(() => {
    const holder = store.db.get('SELECT id FROM containers WHERE name = ?', name);
    if (holder) throw new ConflictError(`Error when allocating new name: ${nameConflict(name, String(holder.id)).message}`);
    updateContainer(store, record.id, { name });
    recordContainerEvent(store, { ...record, name }, 'rename', { oldName: `/${record.name}` });
  });
}

const ADJECTIVES = ['admiring', 'affectionate', 'amazing', 'awesome', 'blissful', 'bold', 'brave', 'charming', 'clever', 'cool', 'compassionate', 'competent', 'confident', 'dazzling', 'determined', 'eager', 'ecstatic', 'elastic', 'elegant', 'epic', 'exciting', 'fervent', 'festive', 'focused', 'friendly', 'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'happy', 'hopeful', 'hungry', 'inspiring', 'intelligent', 'jolly', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'modest', 'musing', 'mystifying', 'nice', 'nifty', 'nostalgic', 'objective', 'optimistic', 'peaceful', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical', 'relaxed', 'reverent', 'romantic', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange', 'sweet', 'tender', 'thirsty', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen'];
const SURNAMES = ['agnesi', 'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bell', 'blackwell', 'bohr', 'booth', 'borg', 'bose', 'brahmagupta', 'brown', 'carson', 'cerf', 'chandrasekhar', 'curie', 'darwin', 'davinci', 'diffie', 'dijkstra', 'einstein', 'elion', 'engelbart', 'euclid', 'euler', 'fermat', 'fermi', 'feynman', 'franklin', 'galileo', 'gates', 'goldberg', 'goodall', 'hamilton', 'hawking', 'heisenberg', 'hodgkin', 'hopper', 'hypatia', 'jackson', 'jennings', 'johnson', 'kalam', 'keller', 'kepler', 'knuth', 'kowalevski', 'lamarr', 'lamport', 'leakey', 'lovelace', 'lumiere', 'mayer', 'mccarthy', 'mclean', 'meitner', 'mendel', 'merkle', 'mirzakhani', 'morse', 'napier', 'newton', 'nobel', 'noether', 'pascal', 'pasteur', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ritchie', 'rubin', 'sammet', 'shannon', 'shockley', 'sinoussi', 'stonebraker', 'swanson', 'tesla', 'thompson', 'torvalds', 'turing', 'varahamihira', 'visvesvaraya', 'wiles', 'williams', 'wilson', 'wing', 'wozniak', 'wright', 'yalow', 'yonath'];

/** `retry` > 0 appends a digit, as Docker does after a collision. */
export function randomName(retry: number): string {
  const name = `${ADJECTIVES[randomIndex(ADJECTIVES.length)]}_${SURNAMES[randomIndex(SURNAMES.length)]}`;
  // Docker's generator never names a container boring_wozniak
  if (name === 'boring_wozniak') return randomName(retry);
  return retry > 0 ? `${name}${randomIndex(10)}` : name;
}
