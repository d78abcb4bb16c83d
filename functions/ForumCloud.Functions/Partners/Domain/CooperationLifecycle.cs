namespace ForumCloud.Functions.Partners;

/// <summary>
/// The legal moves of a cooperation record. Completed, terminated and expired are final: a renewal is
/// a new record, so the history of the old agreement stays as it was.
/// </summary>
public static class CooperationLifecycle
{
    private static readonly Dictionary<CooperationStatus, CooperationStatus[]> Moves = new()
    {
        [CooperationStatus.Proposed] = [CooperationStatus.UnderReview],
        // Back to proposed: staff return a proposal to the partner for corrections.
        [CooperationStatus.UnderReview] = [CooperationStatus.Signed, CooperationStatus.Proposed],
        [CooperationStatus.Signed] = [CooperationStatus.Active],
        [CooperationStatus.Active] = [CooperationStatus.Completed, CooperationStatus.Terminated, CooperationStatus.Expired],
        [CooperationStatus.Completed] = [],
        [CooperationStatus.Terminated] = [],
        [CooperationStatus.Expired] = [],
    };

    public static bool IsLegal(CooperationStatus from, CooperationStatus to) => Moves[from].Contains(to);

    public static IReadOnlyList<CooperationStatus> NextFrom(CooperationStatus from) => Moves[from];

    /// <summary>A termination must say why; the other moves may carry a note.</summary>
    public static bool NeedsNote(CooperationStatus to) => to == CooperationStatus.Terminated;

    public static bool IsFinal(CooperationStatus status) => Moves[status].Length == 0;
}
