// The Engine API versions wharf speaks, for the server's negotiation and `wharf version` alike.

export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';
