using ForumCloud.Bot.Knowledge;

namespace ForumCloud.Bot.Conversation;

/// <summary>What a turn produced, whatever the channel: the Bot Framework reply and the /api/ask JSON carry the same text, sources and suggestions.</summary>
public enum ReplyKind
{
    Welcome,
    Help,
    Events,
    Task,
    Answer,
    WholeSection,
    Refusal,
}

/// <summary>
/// The /api/ask contract and the bot's message: answered, the answer text, its sources (best first) and the
/// suggestions (the bot's suggested actions, each a message that the core answers when sent back).
/// </summary>
public sealed record ConversationReply(bool Answered, string Answer, IReadOnlyList<AnswerSource> Sources, IReadOnlyList<string> Suggestions)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ReplyKind Kind { get; init; }
}
