using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ForumCloud.Bot.Conversation;
using ForumCloud.Functions.Events;

namespace ForumCloud.Functions.Mandate;

/// <summary>One normalised question the bot refused: how often, and when last.</summary>
public sealed record UnansweredQuestion(string Question, int Count, DateTimeOffset LastSeen);

public sealed record UnansweredPage(IReadOnlyList<UnansweredQuestion> Questions, int Distinct);

/// <summary>
/// The refused questions in Table Storage (table mandateunanswered, one partition, a row per normalised question
/// keyed by its SHA-256): the count is raised by a conditional write on the row's ETag, retried with jitter when
/// another instance counted at the same moment, so no count is lost however many instances answer.
/// </summary>
public sealed class UnansweredQuestionLog(StorageAccount storage) : IUnansweredQuestions
{
    private const string Partition = "question";
    private const int MaxAttempts = 8;

    /// <summary>At most this many rows are read to rank the list (distinct questions beyond it are not ranked).</summary>
    public const int MaxRanked = 5000;

    private TableClient Table => storage.Table(TableNames.MandateUnanswered);

    public async Task RecordAsync(string normalisedQuestion, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalisedQuestion)));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var existing = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: cancellationToken);
                if (!existing.HasValue)
                {
                    await Table.AddEntityAsync(new TableEntity(Partition, key) { ["Question"] = normalisedQuestion, ["Count"] = 1, ["LastSeen"] = at }, cancellationToken);
                    return;
                }

                var row = existing.Value!;
                row["Count"] = (row.GetInt32("Count") ?? 0) + 1;
                row["LastSeen"] = at;
                await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else inserted or counted first: read again and count on top of theirs.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    public async Task<UnansweredPage> ListAsync(int top, CancellationToken cancellationToken)
    {
        var rows = new List<UnansweredQuestion>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 1000,
            select: ["Question", "Count", "LastSeen"], cancellationToken: cancellationToken))
        {
            rows.Add(new UnansweredQuestion(row.GetString("Question") ?? "", row.GetInt32("Count") ?? 0, BeijingTime.Local(row.GetDateTimeOffset("LastSeen") ?? DateTimeOffset.MinValue)));
            if (rows.Count >= MaxRanked) break;
        }

        return new UnansweredPage(rows.OrderByDescending(r => r.Count).ThenByDescending(r => r.LastSeen).Take(top).ToList(), rows.Count);
    }
}
