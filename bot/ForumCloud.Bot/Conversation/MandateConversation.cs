using System.Text;
using ForumCloud.Bot.Knowledge;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Bot.Conversation;

/// <summary>
/// The one conversation core behind every channel (the Bot Framework bot, /api/ask and so the web page): welcome,
/// help, open events, tasks the app does (registering for an event, when and where the Forum is, filing a
/// technology contract, registering a partner), answers from the mandate with the whole section as a follow-up,
/// and refusals, which are recorded without personal data for staff. Stateless: every suggestion carries what it
/// needs ("Show the whole duty XV"), so nothing is kept per conversation and any instance can answer any turn.
/// </summary>
public sealed class MandateConversation(
    MandateAnswerer answerer,
    IOpenEventsSource events,
    IUnansweredQuestions unanswered,
    TimeProvider time,
    ILogger<MandateConversation> logger)
{
    public const string EventsQuestion = "Which forum events are open?";
    public const string EventsQuestionZh = "哪些论坛活动开放报名？";

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string WelcomeText =>
        "Hello! I answer questions about the mandate of the Beijing Municipal Science & Technology Commission / "
        + "Zhongguancun Science Park Administrative Committee — for example who prepares the Zhongguancun Forum, who handles "
        + "technology export and import, or who looks after foreign experts. I quote the mandate and cite the duty. "
        + "I can also list the forum events open for registration. Type \"help\" at any time. 中文提问也可以。";

    public static string HelpText =>
        "Ask me in your own words about what the commission does; I answer from its mandate (the introduction, duties I–XIX, "
        + "the functional transformations XX.1–XX.5 and the division of responsibilities XXI) and cite the section. "
        + "Examples: \"Who prepares the Zhongguancun Forum?\", \"Who supports basic research?\", \"foreign experts\", \"技术进出口\". "
        + "Ask \"Which forum events are open?\" to see events with seats left, or how to register for one, file a technology "
        + "contract or register a partner organisation.";

    public static string HelpTextZh =>
        "请用自己的话询问北京市科学技术委员会、中关村科技园区管理委员会的职责；我根据其职责原文（总述、第一至第十九项职责、职能转变（一）至（五）、第二十一部分）作答并注明出处。"
        + "例如：“谁负责筹备中关村论坛？”“技术进出口归谁管？”“外国专家”。问“哪些论坛活动开放报名？”可查看还有名额的活动。";

    public const string EnglishOnlyNoteZh = "（职责原文只有英文版本，以上为英文原文引用。）";

    public ConversationReply Welcome() => new(true, WelcomeText, [], StarterSuggestions(chinese: false)) { Kind = ReplyKind.Welcome };

    public async Task<ConversationReply> ReplyAsync(string? message, CancellationToken cancellationToken)
    {
        var text = (message ?? "").Trim();
        // Cut before any matching, so no pattern or model ever sees more than the limit.
        if (text.Length > MandateAnswerer.MaxQuestionLength) text = text[..MandateAnswerer.MaxQuestionLength];
        var chinese = GlossaryMatcher.HasChinese(text);

        if (text.Length == 0 || ConversationIntents.IsHelp(text))
        {
            return new ConversationReply(true, chinese ? HelpTextZh : HelpText, [], StarterSuggestions(chinese)) { Kind = ReplyKind.Help };
        }

        if (ConversationIntents.WholeSectionId(text) is { } id) return WholeSection(id, chinese);
        if (TaskRouting.Route(text) is { } task) return await TaskReplyAsync(task, chinese, cancellationToken);
        if (ConversationIntents.AsksForEvents(text)) return await EventsReplyAsync(chinese, cancellationToken);

        var answer = answerer.Ask(text);
        if (!answer.Answered)
        {
            await RecordAsync(text, cancellationToken);
            return new ConversationReply(false, answer.Answer, [], answer.Suggestions.Append(chinese ? EventsQuestionZh : EventsQuestion).ToList()) { Kind = ReplyKind.Refusal };
        }

        return AnswerReply(answer, chinese, ConversationIntents.IsYesNo(text));
    }

    private ConversationReply AnswerReply(MandateAnswer answer, bool chinese, bool yesNo)
    {
        var section = answerer.Section(answer.Sources[0].Section)!;
        var text = new StringBuilder();
        if (chinese)
        {
            text.Append(section.CitationZh).Append("：\n“").Append(answer.Quote).Append("”\n").Append(EnglishOnlyNoteZh);
        }
        else
        {
            // A yes/no question whose subject the mandate never names gets told so, then what the mandate does say.
            if (yesNo && answer.Uncovered.Count > 0)
            {
                text.Append("The mandate does not mention ").Append(string.Join(" or ", answer.Uncovered.Select(w => $"“{w}”")))
                    .Append(". What it says on the subject — ");
            }

            text.Append(section.Citation).Append(": “").Append(answer.Quote).Append('”');
        }

        var suggestions = new List<string> { WholeSectionSuggestion(section, chinese) };
        suggestions.AddRange(answer.SuggestedSections.Select(s => chinese ? answerer.Section(s)!.TitleZh : answerer.Section(s)!.Title));
        suggestions.Add(chinese ? EventsQuestionZh : EventsQuestion);
        return new ConversationReply(true, text.ToString(), answer.Sources, suggestions) { Kind = ReplyKind.Answer };
    }

    private ConversationReply WholeSection(string id, bool chinese)
    {
        var section = answerer.Section(id.Equals("intro", StringComparison.OrdinalIgnoreCase) ? "intro" : id.ToUpperInvariant());
        if (section is null) return new ConversationReply(true, chinese ? HelpTextZh : HelpText, [], StarterSuggestions(chinese)) { Kind = ReplyKind.Help };
        var text = chinese
            ? $"{section.CitationZh}（全文）：\n{section.Text}\n{EnglishOnlyNoteZh}"
            : $"{section.Citation} (whole text):\n{section.Text}";
        return new ConversationReply(true, text, [new AnswerSource(section.Id, section.Title, 1)], StarterSuggestions(chinese)) { Kind = ReplyKind.WholeSection };
    }

    public static string WholeSectionSuggestion(MandateSection section, bool chinese) =>
        chinese ? $"显示完整职责 {section.Id}" : $"Show the whole {(section.Id.StartsWith("XX.", StringComparison.Ordinal) ? "section" : "duty")} {section.Id}";

    private async Task<ConversationReply> TaskReplyAsync(AppTask task, bool chinese, CancellationToken cancellationToken)
    {
        var forum = answerer.Section("XV")!;
        var text = new StringBuilder();
        if (task is AppTask.EventRegistration or AppTask.ForumWhenWhere) text.Append(await DescribeOpenEventsAsync(chinese, withVenue: true, cancellationToken)).Append("\n\n");
        text.Append(TaskRouting.HowTo(task, chinese)).Append("\n\n");
        var quote = Sentences.QuoteUnits(forum.Text).FirstOrDefault(u => u.Text.Contains(TaskRouting.MandateAnchor(task), StringComparison.OrdinalIgnoreCase))?.Quoted ?? "";
        text.Append(chinese ? $"依据：{forum.CitationZh}：“{quote}”{EnglishOnlyNoteZh}" : $"The mandate behind it — {forum.Citation}: “{quote}”");
        var suggestions = new List<string> { WholeSectionSuggestion(forum, chinese), chinese ? EventsQuestionZh : EventsQuestion };
        return new ConversationReply(true, text.ToString(), [new AnswerSource(forum.Id, forum.Title, 1)], suggestions) { Kind = ReplyKind.Task };
    }

    private async Task<ConversationReply> EventsReplyAsync(bool chinese, CancellationToken cancellationToken) =>
        new(true, await DescribeOpenEventsAsync(chinese, withVenue: false, cancellationToken), [], StarterSuggestions(chinese)) { Kind = ReplyKind.Events };

    private async Task<string> DescribeOpenEventsAsync(bool chinese, bool withVenue, CancellationToken cancellationToken)
    {
        var open = (await events.ListOpenAsync(cancellationToken)).Where(e => e.StartsAt >= time.GetUtcNow().AddDays(-1)).OrderBy(e => e.StartsAt).ToList();
        if (open.Count == 0) return chinese ? "目前没有开放报名的中关村论坛活动。" : "No Zhongguancun Forum events are open for registration right now.";

        var text = new StringBuilder(chinese ? "开放报名的中关村论坛活动：" : "Zhongguancun Forum events open for registration:");
        foreach (var e in open)
        {
            var local = TimeZoneInfo.ConvertTime(e.StartsAt, Shanghai);
            var seats = chinese
                ? (e.SeatsLeft > 0 ? $"剩余 {e.SeatsLeft} 个名额" : "已满（可排队候补）")
                : (e.SeatsLeft > 0 ? $"{e.SeatsLeft} seat{(e.SeatsLeft == 1 ? "" : "s")} left" : "full (waitlist open)");
            var venue = withVenue && !string.IsNullOrWhiteSpace(e.Venue) ? (chinese ? $"，地点：{e.Venue}" : $", {e.Venue}") : "";
            text.Append(chinese
                ? $"\n- {e.Title}（{e.EventId}），北京时间 {local:yyyy-MM-dd HH:mm}{venue} — {seats}"
                : $"\n- {e.Title} ({e.EventId}), {local:yyyy-MM-dd HH:mm} Beijing time{venue} — {seats}");
        }

        return text.ToString();
    }

    private async Task RecordAsync(string question, CancellationToken cancellationToken)
    {
        var normalised = UnansweredText.Normalise(question);
        if (normalised.Length == 0) return;
        try
        {
            await unanswered.RecordAsync(normalised, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The person still gets their answer; staff lose one count.
            logger.LogWarning(ex, "Could not record an unanswered question");
        }
    }

    private static List<string> StarterSuggestions(bool chinese) => chinese
        ? ["谁负责筹备中关村论坛？", "技术进出口归谁管？", EventsQuestionZh]
        : ["Who prepares the Zhongguancun Forum?", "Who handles technology export?", EventsQuestion];
}
