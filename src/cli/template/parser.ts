// Go text/template's parser: tokens to a tree, with Go's checks and its exact parse-error texts.
import { goQuote } from './go-strings.ts';
import { lex, type Token, type TokenType } from './lexer.ts';
import { parseCharConstant, parseNumber, unquote } from './literals.ts';
import {
  nodeString, type ArgNode, type BranchNode, type ChainNode, type CommandNode, type DelimiterNode, type ListNode,
  type Node, type PipeNode, type VariableNode,
} from './nodes.ts';
import { TemplateError } from './template-error.ts';

type ListItem = Node | DelimiterNode;

const OPERAND_STARTS = new Set<TokenType>([
  'bool', 'charConstant', 'complex', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen',
]);

/** Parses a template; `hasFunction` answers whether a name may be called, as Go checks at parse time. */
export function parseTemplate(source: string, name: string, hasFunction: (name: string) => boolean): ListNode {
  return new Parser(lex(source), name, hasFunction).parse();
}

class Parser {
  readonly tokens: Token[];
  readonly name: string;
  readonly hasFunction: (name: string) => boolean;
  index = 0;
  /** The furthest token read: Go reports parse errors at its line. */
  furthest = 0;
  vars = ['$'];
  rangeDepth = 0;
  actionLine = 0;

  constructor(tokens: Token[], name: string, hasFunction: (name: string) => boolean) {
    this.tokens = tokens;
    this.name = name;
    this.hasFunction = hasFunction;
  }

  next(): Token {
    const token = this.peek();
    this.index++;
    return token;
  }

  /** Reading past the final eof or error token keeps returning it. */
  peek(): Token {
    const index = Math.min(this.index, this.tokens.length - 1);
    this.furthest = Math.max(this.furthest, index);
    return this.tokens[index];
  }

  backup(): void {
    this.index--;
  }

  nextNonSpace(): Token {
    let token = this.next();
    while (token.type === 'space') token = this.next();
    return token;
  }

  peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  errorf(message: string): never {
    throw new TemplateError(`template: ${this.name}:${this.tokens[this.furthest].line}: ${message}`, 'parse');
  }

  expect(type: TokenType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== type) this.unexpected(token, context);
    return token;
  }

  unexpected(token: Token, context: string): never {
    if (token.type !== 'error') this.errorf(`unexpected ${tokenString(token)} in ${context}`);
    let extra = '';
    if (this.actionLine !== 0 && this.actionLine !== token.line) {
      extra = ` in action started at ${this.name}:${this.actionLine}`;
      // Avoid "unclosed action in action started at …".
      if (token.value.endsWith(' action')) extra = extra.slice(' in action'.length);
    }
    this.errorf(token.value + extra);
  }

  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      const node = this.textOrAction();
      if (isDelimiter(node)) this.errorf(`unexpected ${nodeString(node)}`);
      root.nodes.push(node);
    }
    return root;
  }

  /** Items up to an {{end}} or {{else}}, which is returned beside the list. */
  itemList(): [ListNode, DelimiterNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const node = this.textOrAction();
      if (isDelimiter(node)) return [list, node];
      list.nodes.push(node);
    }
    this.errorf('unexpected EOF');
  }

  textOrAction(): ListItem {
    const token = this.nextNonSpace();
    if (token.type === 'text') return { type: 'text', pos: token.pos, text: token.value };
    if (token.type !== 'leftDelim') this.unexpected(token, 'input');
    this.actionLine = token.line;
    try {
      return this.action();
    } finally {
      this.actionLine = 0;
    }
  }

  action(): ListItem {
    const token = this.nextNonSpace();
    if (token.type === 'keyword') return this.control(token);
    this.backup();
    const start = this.peek();
    return { type: 'action', pos: start.pos, line: start.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  control(token: Token): ListItem {
    switch (token.value) {
      case 'if': case 'range': case 'with': return this.branch(token.value);
      case 'end': return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'else': return this.elseControl();
      case 'break': case 'continue': return this.loopControl(token);
      default: this.errorf(`{{${token.value}}} is not supported`);
    }
  }

  loopControl(token: Token): ListItem {
    const next = this.nextNonSpace();
    if (next.type !== 'rightDelim') this.unexpected(next, `{{${token.value}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${token.value}}} outside {{range}}`);
    return { type: token.value as 'break' | 'continue', pos: token.pos };
  }

  /** {{else if …}} and {{else with …}} leave the keyword pending; the branch parses it as a nested one. */
  elseControl(): DelimiterNode {
    const peek = this.peekNonSpace();
    if (peek.type === 'keyword' && (peek.value === 'if' || peek.value === 'with')) return { type: 'else', pos: peek.pos };
    return { type: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  branch(context: 'if' | 'range' | 'with'): BranchNode {
    const varCount = this.vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      const node: BranchNode = { type: context, pos: pipe.pos, line: pipe.line, pipe, list };
      if (next.type === 'else') node.elseList = this.elseList(context, next);
      return node;
    } finally {
      this.vars.length = varCount;
    }
  }

  elseList(context: string, elseNode: DelimiterNode): ListNode {
    const peek = this.peek();
    if (context !== 'range' && peek.type === 'keyword' && peek.value === context) {
      this.next();
      return { type: 'list', pos: elseNode.pos, nodes: [this.branch(context as 'if' | 'with')] };
    }
    const [list, next] = this.itemList();
    if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
    return list;
  }

  pipeline(context: string, end: TokenType): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (!OPERAND_STARTS.has(token.type)) this.unexpected(token, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  /** `$x :=`, `$x =`, and range's `$i, $v :=`; a variable not followed by one is just an operand. */
  declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const variable = this.peekNonSpace();
      if (variable.type !== 'variable') return;
      const mark = this.index;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        this.declare(pipe, variable);
        return;
      }
      if (next.type !== 'char' || next.value !== ',') {
        this.index = mark;
        return;
      }
      this.nextNonSpace();
      this.declare(pipe, variable);
      if (context !== 'range' || pipe.decl.length >= 2) this.errorf(`too many declarations in ${context}`);
      if (!['variable', 'rightDelim', 'rightParen'].includes(this.peekNonSpace().type)) this.errorf('range can only initialize variables');
    }
  }

  declare(pipe: PipeNode, token: Token): void {
    pipe.decl.push({ type: 'variable', pos: token.pos, ident: token.value.split('.') });
    this.vars.push(token.value);
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((command, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(command.args[0].type)) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  command(): CommandNode {
    const command: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) command.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (command.args.length === 0) this.errorf('empty command');
    return command;
  }

  /** A term followed by .Field accesses; fields on a field or variable extend it, as Go's tree does. */
  operand(): ArgNode | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const chain: ChainNode = { type: 'chain', pos: this.peek().pos, node, fields: [] };
    while (this.peek().type === 'field') chain.fields.push(this.next().value.slice(1));
    switch (node.type) {
      case 'field': return { type: 'field', pos: chain.pos, ident: [...node.ident, ...chain.fields] };
      case 'variable': return { type: 'variable', pos: chain.pos, ident: [...node.ident, ...chain.fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
      default: return chain;
    }
  }

  term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    const pos = token.pos;
    switch (token.type) {
      case 'identifier':
        if (!this.hasFunction(token.value)) this.errorf(`function ${goQuote(token.value)} not defined`);
        return { type: 'identifier', pos, name: token.value };
      case 'dot': return { type: 'dot', pos };
      case 'nil': return { type: 'nil', pos };
      case 'variable': return this.useVar(token);
      case 'field': return { type: 'field', pos, ident: token.value.slice(1).split('.') };
      case 'bool': return { type: 'bool', pos, value: token.value === 'true' };
      case 'charConstant': case 'complex': case 'number':
        return { type: 'number', pos, text: token.value, ...this.literal(() => (token.type === 'charConstant' ? parseCharConstant : parseNumber)(token.value)) };
      case 'leftParen': return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString':
        return { type: 'string', pos, quoted: token.value, text: this.literal(() => unquote(token.value)) };
    }
    this.backup();
    return undefined;
  }

  literal<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      this.errorf((error as Error).message);
    }
  }

  useVar(token: Token): VariableNode {
    const node: VariableNode = { type: 'variable', pos: token.pos, ident: token.value.split('.') };
    if (!this.vars.includes(node.ident[0])) this.errorf(`undefined variable ${goQuote(node.ident[0])}`);
    return node;
  }
}

function isDelimiter(node: ListItem): node is DelimiterNode {
  return node.type === 'end' || node.type === 'else';
}

/** How Go's parser names a token in "unexpected …" errors. */
function tokenString(token: Token): string {
  if (token.type === 'eof') return 'EOF';
  if (token.type === 'keyword' || token.type === 'dot' || token.type === 'nil') return `<${token.value}>`;
  const runes = Array.from(token.value);
  return runes.length > 10 ? `${goQuote(runes.slice(0, 10).join(''))}...` : goQuote(token.value);
}
