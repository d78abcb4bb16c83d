namespace ForumCloud.Bot.Conversation;

/// <summary>A forum event open for registration, as the bot lists it.</summary>
public sealed record OpenForumEvent(string EventId, string Title, DateTimeOffset StartsAt, int SeatsLeft, string? Venue = null);

/// <summary>
/// Where the bot learns which forum events are open. The events capability provides the real source
/// (an adapter over its events table); the bot only depends on this seam.
/// </summary>
public interface IOpenEventsSource
{
    Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct);
}
