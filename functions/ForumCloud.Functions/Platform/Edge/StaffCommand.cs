using Microsoft.AspNetCore.Http;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// A staff write to one resource, read the one way every such route reads it: the actor the edge admitted, the
/// route id (a 404 for an id of the wrong shape, before the body is read) and the body (a 400 naming every field).
/// </summary>
public sealed record StaffCommand<TBody>(StaffActor Actor, string Id, TBody Body)
    where TBody : class
{
    public static async Task<StaffCommand<TBody>> ReadAsync(HttpRequest request, IdKind kind, string routeValue, CancellationToken cancellationToken)
    {
        var actor = StaffActor.Of(request);
        var id = RouteIds.Require(kind, routeValue);
        return new StaffCommand<TBody>(actor, id, await RequestBody.ReadJsonAsync<TBody>(request, cancellationToken));
    }
}
