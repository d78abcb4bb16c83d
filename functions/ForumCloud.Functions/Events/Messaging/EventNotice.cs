namespace ForumCloud.Functions.Events;

/// <summary>Which staff changes of a published event every registrant is told about: a new time or venue, or the cancellation.</summary>
public static class EventNotice
{
    public static RegistrationChangeKind? Of(EventRow before, EventRow after)
    {
        if (!StoredEnum.Is(before.Status, EventStatus.Published)) return null;
        if (StoredEnum.Is(after.Status, EventStatus.Cancelled)) return RegistrationChangeKind.EventCancelled;
        var moved = before.StartsAt != after.StartsAt || before.EndsAt != after.EndsAt || !string.Equals(before.Venue, after.Venue, StringComparison.Ordinal);
        return moved && StoredEnum.Is(after.Status, EventStatus.Published) ? RegistrationChangeKind.EventChanged : null;
    }
}
