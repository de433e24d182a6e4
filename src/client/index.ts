/** Placeholder until this subpath is implemented. */
export {};
