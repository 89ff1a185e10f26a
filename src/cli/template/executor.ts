// Runs a parsed template over plain JS values with Go text/template's semantics and execution-error texts.
import { AND, OR } from './builtins.ts';
import type { FunctionMap, ParamType, TemplateFunction } from './functions.ts';
import { formatValue } from './go-fmt.ts';
import { byteLength, goQuote } from './go-strings.ts';
import { goTypeName, isTrue, kindOf, mapGet, sortedEntries } from './go-values.ts';
import {
  nodeString, type AnyNode, type ArgNode, type BranchNode, type ChainNode, type CommandNode, type FieldNode,
  type IdentifierNode, type Node, type NumberNode, type PipeNode, type VariableNode,
} from './nodes.ts';
import { TemplateError } from './template-error.ts';

/** No value piped in from a previous command (distinct from a missing value, `undefined`). */
const MISSING: unique symbol = Symbol('missing');
/** The value piped into a command, or MISSING. */
type Final = unknown;

// Thrown through the walk to leave or advance the innermost {{range}}.
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

export type MissingKey = 'default' | 'error';

export interface ExecuteOptions {
  name: string;
  source: string;
  functions: FunctionMap;
  missingKey: MissingKey;
}

export function executeTemplate(root: Node, data: unknown, options: ExecuteOptions): string {
  const state = new State(options, data, root);
  state.walk(data, root);
  return state.out;
}

class State {
  readonly options: ExecuteOptions;
  out = '';
  /** The node being evaluated, which errors point at. */
  node: AnyNode;
  readonly vars: Array<{ name: string; value: unknown }>;

  constructor(options: ExecuteOptions, data: unknown, root: Node) {
    this.options = options;
    this.vars = [{ name: '$', value: data }];
    this.node = root;
  }

  at(node: AnyNode): void {
    this.node = node;
  }

  errorf(message: string): never {
    const { name, source } = this.options;
    const before = source.slice(0, this.node.pos);
    const line = before.split('\n').length;
    const column = byteLength(before.slice(before.lastIndexOf('\n') + 1));
    const context = nodeString(this.node);
    const text = `template: ${name}:${line}:${column}: executing ${goQuote(name)} at <${context}>: ${message}`;
    throw new TemplateError(text, 'execute', this.out);
  }

  varValue(name: string): unknown {
    const variable = this.vars.findLast((candidate) => candidate.name === name);
    return variable ? variable.value : this.errorf(`undefined variable: ${name}`);
  }

  setVar(name: string, value: unknown): void {
    const variable = this.vars.findLast((candidate) => candidate.name === name);
    if (!variable) this.errorf(`undefined variable: ${name}`);
    variable.value = value;
  }

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'text': this.out += node.text; return;
      case 'list': for (const child of node.nodes) this.walk(dot, child); return;
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
      case 'range': this.walkRange(dot, node); return;
      case 'if': case 'with': this.walkIfOrWith(dot, node); return;
      case 'action': {
        // An action that declares variables prints nothing; its variables live until the enclosing {{end}}.
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
      }
    }
  }

  printValue(node: AnyNode, value: unknown): void {
    this.at(node);
    if (kindOf(value) === 'func') this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
    this.out += value === undefined ? '<no value>' : formatValue(value);
  }

  walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, node.pipe);
      if (isTrue(value)) this.walk(node.type === 'with' ? value : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, node.pipe);
      if (!this.iterate(value, node) && node.elseList) this.walk(dot, node.elseList);
    } catch (signal) {
      if (signal !== BREAK) throw signal;
    } finally {
      this.vars.length = mark;
    }
  }

  /** Runs the body once per element (maps in sorted key order); false when there was nothing to visit. */
  iterate(value: unknown, node: BranchNode): boolean {
    switch (kindOf(value)) {
      case 'slice': {
        const elements = value as unknown[];
        elements.forEach((element, i) => this.iteration(node, i, element));
        return elements.length > 0;
      }
      case 'map': {
        const entries = sortedEntries(value as object);
        for (const [key, element] of entries) this.iteration(node, key, element);
        return entries.length > 0;
      }
      case 'int': {
        if (node.pipe.decl.length > 1) this.errorf(`can't use ${formatValue(value)} to iterate over more than one variable`);
        for (let i = 0; i < Number(value); i++) this.iteration(node, i, i);
        return Number(value) > 0;
      }
      // A nil slice or map (JSON null) ranges zero times, as it does in Go.
      case 'invalid': case 'nil': return false;
      default: this.errorf(`range can't iterate over ${formatValue(value)}`);
    }
  }

  iteration(node: BranchNode, key: unknown, element: unknown): void {
    const mark = this.vars.length;
    const { decl, isAssign } = node.pipe;
    if (decl.length === 1) this.bindLoopVar(decl[0], 1, element, isAssign);
    if (decl.length === 2) {
      this.bindLoopVar(decl[0], 2, key, isAssign);
      this.bindLoopVar(decl[1], 1, element, isAssign);
    }
    try {
      this.walk(element, node.list);
    } catch (signal) {
      if (signal !== CONTINUE) throw signal;
    } finally {
      this.vars.length = mark;
    }
  }

  /** `range $v :=` rebinds the variables the pipeline pushed; `range $v =` assigns outer ones. */
  bindLoopVar(variable: VariableNode, fromTop: number, value: unknown, isAssign: boolean): void {
    if (isAssign) this.setVar(variable.ident[0], value);
    else this.vars[this.vars.length - fromTop].value = value;
  }

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const command of pipe.cmds) value = this.evalCommand(dot, command, value);
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0], value);
      else this.vars.push({ name: variable.ident[0], value });
    }
    return value;
  }

  evalCommand(dot: unknown, command: CommandNode, final: Final): unknown {
    const first = command.args[0];
    switch (first.type) {
      case 'field': return this.evalFieldNode(dot, first, command.args, final);
      case 'chain': return this.evalChainNode(dot, first, command.args, final);
      case 'identifier': return this.evalFunction(dot, first, command, command.args, final);
      case 'variable': return this.evalVariableNode(dot, first, command.args, final);
      case 'pipe':
        this.notAFunction(command.args, final);
        return this.evalPipeline(dot, first);
    }
    this.at(first);
    this.notAFunction(command.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  idealConstant(node: NumberNode): number {
    this.at(node);
    if (!node.isInt && !node.isFloat) this.errorf(`${node.text} overflows int`);
    return node.value;
  }

  evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, field.ident, args, final);
  }

  evalChainNode(dot: unknown, chain: ChainNode, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(receiver, chain.fields, args, final);
  }

  evalVariableNode(dot: unknown, variable: VariableNode, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0]);
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [variable], final);
      return value;
    }
    return this.evalFieldChain(value, variable.ident.slice(1), args, final);
  }

  /** .X.Y.Z: every name but the last reads a value; the last also takes the command's arguments. */
  evalFieldChain(receiver: unknown, ident: string[], args: ArgNode[] | undefined, final: Final): unknown {
    for (const name of ident.slice(0, -1)) receiver = this.evalField(name, undefined, MISSING, receiver);
    return this.evalField(ident[ident.length - 1], args, final, receiver);
  }

  /** .Name on a map reads a key (missing → no value); on a struct reads a field or getter, or calls a method. */
  evalField(name: string, args: ArgNode[] | undefined, final: Final, receiver: unknown): unknown {
    if (receiver === undefined) {
      return this.options.missingKey === 'error' ? this.errorf(`nil data; no entry for key ${goQuote(name)}`) : undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const argCount = Math.max((args?.length ?? 0) - 1, 0) + (final === MISSING ? 0 : 1);
    const kind = kindOf(receiver);
    if (kind === 'map') {
      if (argCount > 0) this.errorf(`${name} is not a method but has arguments`);
      const value = mapGet(receiver as object, name);
      if (value === undefined && this.options.missingKey === 'error') this.errorf(`map has no entry for key ${goQuote(name)}`);
      return value;
    }
    if (kind === 'struct' && name in (receiver as object) && !(name in Object.prototype)) {
      const member: unknown = (receiver as Record<string, unknown>)[name];
      if (typeof member === 'function') return this.callMethod(name, member, receiver, argCount);
      if (argCount > 0) this.errorf(`${name} has arguments but cannot be invoked as function`);
      return member;
    }
    return this.errorf(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  callMethod(name: string, method: Function, receiver: unknown, argCount: number): unknown {
    if (argCount > 0) this.errorf(`wrong number of args for ${name}: want 0 got ${argCount}`);
    try {
      return method.call(receiver);
    } catch (error) {
      return this.errorf(`error calling ${name}: ${(error as Error).message}`);
    }
  }

  evalFunction(dot: unknown, node: IdentifierNode, at: AnyNode, args: ArgNode[] | undefined, final: Final): unknown {
    this.at(node);
    const fn = this.options.functions[node.name];
    if (!fn) this.errorf(`${goQuote(node.name)} is not a defined function`);
    return this.evalCall(dot, fn, at, node.name, args?.slice(1) ?? [], final);
  }

  evalCall(dot: unknown, fn: TemplateFunction, at: AnyNode, name: string, args: ArgNode[], final: Final): unknown {
    const count = args.length + (final === MISSING ? 0 : 1);
    const fixed = fn.params.length;
    if (fn.variadic && count < fixed) this.errorf(`wrong number of args for ${name}: want at least ${fixed} got ${args.length}`);
    if (!fn.variadic && count !== fixed) this.errorf(`wrong number of args for ${name}: want ${fixed} got ${count}`);
    if (fn === AND || fn === OR) return this.evalAndOr(dot, fn === OR, args, final);
    const argv = args.map((arg, i) => this.evalArg(dot, this.paramType(fn, i), arg));
    if (final !== MISSING) argv.push(this.validateType(final, this.paramType(fn, count - 1)));
    try {
      return (fn.call as (...values: unknown[]) => unknown)(...argv);
    } catch (error) {
      this.at(at);
      return this.errorf(`error calling ${name}: ${(error as Error).message}`);
    }
  }

  paramType(fn: TemplateFunction, i: number): ParamType {
    return i < fn.params.length ? fn.params[i] : fn.variadic!;
  }

  /** and/or stop at the first argument that decides the result, and return that argument. */
  evalAndOr(dot: unknown, isOr: boolean, args: ArgNode[], final: Final): unknown {
    let value: unknown;
    for (const arg of args) {
      value = this.evalArg(dot, 'value', arg);
      if (isTrue(value) === isOr) return value;
    }
    return final === MISSING ? value : final;
  }

  evalArg(dot: unknown, type: ParamType, node: ArgNode): unknown {
    this.at(node);
    switch (node.type) {
      case 'dot': return this.validateType(dot, type);
      case 'nil':
        if (type === 'any') return null;
        return type === 'value' ? undefined : this.errorf(`cannot assign nil to ${type}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, node, [node], MISSING), type);
      case 'variable': return this.validateType(this.evalVariableNode(dot, node, undefined, MISSING), type);
      case 'pipe': return this.validateType(this.evalPipeline(dot, node), type);
      case 'identifier': return this.validateType(this.evalFunction(dot, node, node, undefined, MISSING), type);
      case 'chain': return this.validateType(this.evalChainNode(dot, node, undefined, MISSING), type);
    }
    if (type === 'string') return node.type === 'string' ? node.text : this.errorf(`expected string; found ${nodeString(node)}`);
    if (type === 'int') return node.type === 'number' && node.isInt ? node.value : this.errorf(`expected integer; found ${nodeString(node)}`);
    if (node.type === 'number') return this.idealConstant(node);
    return node.type === 'bool' ? node.value : node.text;
  }

  /** Go's assignability check for an argument already evaluated. */
  validateType(value: unknown, type: ParamType): unknown {
    if (value === undefined) {
      if (type === 'value') return undefined;
      return type === 'any' ? null : this.errorf(`invalid value; expected ${type}`);
    }
    if (type === 'string' && typeof value !== 'string') this.errorf(`wrong type for value; expected string; got ${goTypeName(value)}`);
    if (type === 'int') {
      if (kindOf(value) !== 'int') this.errorf(`wrong type for value; expected int; got ${goTypeName(value)}`);
      return Number(value);
    }
    return value;
  }
}
