// Plain JavaScript with a hand-written declaration beside it: the package has nothing to
// compile, so the SDL is readable from a fresh clone before any build has run.

/** The committed SDL, wherever this package is installed or linked. */
export const schemaUrl = new URL("./schema.graphql", import.meta.url);
