// What a template function is: Go's parameter types (which decide conversions and errors) and a JS body.

/**
 * How an argument is checked before the call, after Go's reflect rules:
 * - `value`: anything, even a missing value (`undefined`), like a reflect.Value parameter;
 * - `any`: anything, a missing value becoming nil (`null`), like interface{};
 * - `string`, `int`: that Go type, or Go's "wrong type for value" error.
 */
export type ParamType = 'value' | 'any' | 'string' | 'int';

export interface TemplateFunction {
  readonly params: readonly ParamType[];
  /** The type of a trailing `...` parameter, if the function takes one. */
  readonly variadic?: ParamType;
  /** Throws to fail the template with "error calling <name>: <message>". */
  readonly call: (...args: never[]) => unknown;
}

export type FunctionMap = Readonly<Record<string, TemplateFunction>>;
