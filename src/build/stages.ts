// A Dockerfile's stages: the ARGs before the first FROM, each FROM and its instructions, and which stages a target needs.
import { InvalidArgumentError } from '../errors.ts';
import { flagValues } from './dockerfile/flags.ts';
import type { Dockerfile, Instruction } from './dockerfile/instructions.ts';

export type FromInstruction = Extract<Instruction, { kind: 'FROM' }>;
export type ArgInstruction = Extract<Instruction, { kind: 'ARG' }>;

export interface Stage {
  index: number;
  /** `FROM … AS name`, lowercased as Docker compares it. */
  name?: string;
  from: FromInstruction;
  instructions: Instruction[];
}

export interface StagePlan {
  /** ARGs before the first FROM: in scope for FROM lines, and for a stage that re-declares them. */
  metaArgs: ArgInstruction[];
  stages: Stage[];
}

export function splitStages(dockerfile: Dockerfile): StagePlan {
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of dockerfile.instructions) {
    if (instruction.kind === 'FROM') {
      stages.push({ index: stages.length, name: instruction.stageName?.toLowerCase(), from: instruction, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    } else if (instruction.kind === 'ARG') {
      metaArgs.push(instruction);
    } else {
      throw new InvalidArgumentError(`Dockerfile:${instruction.line}: no build stage in current context`);
    }
  }
  if (stages.length === 0) throw new InvalidArgumentError('Dockerfile contains no FROM instruction');
  return { metaArgs, stages };
}

/** The stage `FROM x` or `COPY --from=x` names, when x is a stage (by name or index) defined before `before`. */
export function findStage(stages: Stage[], reference: string, before: number): Stage | undefined {
  const lower = reference.toLowerCase();
  const named = stages.find((stage) => stage.index < before && stage.name === lower);
  if (named) return named;
  if (/^\d+$/.test(reference) && Number(reference) < before) return stages[Number(reference)];
  return undefined;
}

/** The target stage (the last one by default) and every stage it depends on, in Dockerfile order; the rest are skipped as BuildKit skips them. */
export function stagesFor(plan: StagePlan, target: string | undefined, expandFlag: (raw: string) => string): Stage[] {
  const last = target === undefined ? plan.stages.at(-1)! : plan.stages.find((stage) => stage.name === target.toLowerCase());
  if (!last) throw new InvalidArgumentError(`failed to reach build target ${target} in Dockerfile`);
  const needed = new Set<number>();
  const visit = (stage: Stage) => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    for (const reference of stageReferences(stage, expandFlag)) {
      const dependency = findStage(plan.stages, reference, stage.index);
      if (dependency) visit(dependency);
    }
  };
  visit(last);
  return plan.stages.filter((stage) => needed.has(stage.index));
}

function stageReferences(stage: Stage, expandFlag: (raw: string) => string): string[] {
  const copies = stage.instructions.flatMap((instruction) =>
    instruction.kind === 'COPY' ? flagValues(instruction, 'from').map(expandFlag) : [],
  );
  return [expandFlag(stage.from.image), ...copies];
}
