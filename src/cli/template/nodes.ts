// The parse tree of a template, and each node's source-like text that Go shows in error messages.

export interface FieldNode { type: 'field'; pos: number; ident: string[] }
export interface VariableNode { type: 'variable'; pos: number; ident: string[] }
export interface DotNode { type: 'dot'; pos: number }
export interface NilNode { type: 'nil'; pos: number }
export interface BoolNode { type: 'bool'; pos: number; value: boolean }
export interface NumberNode { type: 'number'; pos: number; text: string; value: number; isInt: boolean; isFloat: boolean }
export interface StringNode { type: 'string'; pos: number; quoted: string; text: string }
export interface IdentifierNode { type: 'identifier'; pos: number; name: string }
/** `(pipeline).Field.Field`: fields applied to the value of any term. */
export interface ChainNode { type: 'chain'; pos: number; node: ArgNode; fields: string[] }
export interface CommandNode { type: 'command'; pos: number; args: ArgNode[] }
export interface PipeNode { type: 'pipe'; pos: number; line: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }

export type ArgNode = FieldNode | VariableNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | IdentifierNode | ChainNode | PipeNode;

export interface TextNode { type: 'text'; pos: number; text: string }
export interface ActionNode { type: 'action'; pos: number; line: number; pipe: PipeNode }
export interface BranchNode { type: 'if' | 'range' | 'with'; pos: number; line: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
export interface ListNode { type: 'list'; pos: number; nodes: Node[] }
export interface BreakNode { type: 'break' | 'continue'; pos: number }
/** `{{end}}` and `{{else}}` exist only while parsing, to close lists. */
export interface DelimiterNode { type: 'end' | 'else'; pos: number }

export type Node = TextNode | ActionNode | BranchNode | ListNode | BreakNode;
export type AnyNode = Node | ArgNode | CommandNode | DelimiterNode;

export function nodeString(node: AnyNode): string {
  switch (node.type) {
    case 'field': return node.ident.map((id) => `.${id}`).join('');
    case 'variable': return node.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(node.value);
    case 'number': return node.text;
    case 'string': return node.quoted;
    case 'identifier': return node.name;
    case 'chain': return wrapPipe(node.node) + node.fields.map((field) => `.${field}`).join('');
    case 'command': return node.args.map(wrapPipe).join(' ');
    case 'pipe': return pipeString(node);
    case 'text': return node.text;
    case 'action': return `{{${nodeString(node.pipe)}}}`;
    case 'list': return node.nodes.map(nodeString).join('');
    case 'break': case 'continue': case 'end': case 'else': return `{{${node.type}}}`;
    default: return branchString(node);
  }
}

function wrapPipe(node: ArgNode): string {
  return node.type === 'pipe' ? `(${nodeString(node)})` : nodeString(node);
}

function pipeString(pipe: PipeNode): string {
  const decl = pipe.decl.length ? `${pipe.decl.map(nodeString).join(', ')} ${pipe.isAssign ? '=' : ':='} ` : '';
  return decl + pipe.cmds.map(nodeString).join(' | ');
}

function branchString(node: BranchNode): string {
  const elsePart = node.elseList ? `{{else}}${nodeString(node.elseList)}` : '';
  return `{{${node.type} ${nodeString(node.pipe)}}}${nodeString(node.list)}${elsePart}{{end}}`;
}
