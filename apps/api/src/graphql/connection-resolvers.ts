import type { ConnectionModel } from "./models.js";

/**
 * The fields every connection type (RunConnection, RegressionConnection) resolves the
 * same way from a page of edges: its nodes, its PageInfo and its total, counted only when
 * asked for.
 */
export function connectionResolvers<Node>() {
  return {
    nodes: (connection: ConnectionModel<Node>) => connection.edges.map((edge) => edge.node),
    pageInfo: (connection: ConnectionModel<Node>) => ({
      hasNextPage: connection.hasNextPage,
      hasPreviousPage: connection.hasPreviousPage,
      startCursor: connection.edges[0]?.cursor ?? null,
      endCursor: connection.edges.at(-1)?.cursor ?? null,
    }),
    totalCount: (connection: ConnectionModel<Node>) => connection.count(),
  };
}
