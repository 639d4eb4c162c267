package io.tileinfer.api;

/** The logic of one route; Helidon, headers, limits and metrics stay in {@link Exchange}. */
@FunctionalInterface
interface Endpoint {

    /** @throws ApiException for anything the client should be told; other exceptions become 500 */
    Reply handle(Call call);
}
