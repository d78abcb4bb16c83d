using ForumCloud.Functions.Platform;

namespace ForumCloud.DevHost;

/// <summary>A hosted listener for each queue- and timer-triggered function.</summary>
internal static class TriggerServices
{
    /// <summary>The host id in the timer locks' blob names; instances with the same id share each timer.</summary>
    public const string HostIdSetting = "DevHost:HostId";

    public static void Add(IServiceCollection services, IReadOnlyList<FunctionDescriptor> functions, HostJson hostJson, IConfiguration configuration)
    {
        var hostId = configuration[HostIdSetting] is { Length: > 0 } id ? id : "forumcloud";
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case TriggerKind.Queue:
                    var queueName = Resolve(function.Queue.QueueName, configuration);
                    var account = function.Queue.Connection is { Length: > 0 } connection
                        ? StorageAccount.FromConfiguration(configuration, connection) // the trigger's own account, as in the host
                        : null;
                    services.AddSingleton<IHostedService>(sp =>
                    {
                        var storage = account ?? sp.GetRequiredService<StorageAccount>();
                        return new QueueTriggerListener(function, storage.RawQueue(queueName), storage.RawQueue(QueueNames.PoisonOf(queueName)), hostJson.Queues,
                            sp.GetRequiredService<FunctionInvoker>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Queue." + function.Name));
                    });
                    break;
                case TriggerKind.Timer:
                    var schedule = Resolve(function.Timer.Schedule, configuration);
                    TimerTriggerScheduler.ParseSchedule(schedule); // fail at start-up on a bad or TimeSpan expression
                    services.AddSingleton<IHostedService>(sp =>
                    {
                        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Timer." + function.Name);
                        var timerLock = new TimerLock(HostStorage.Blobs(configuration), hostId, function.EntryPoint, logger);
                        return new TimerTriggerScheduler(function, schedule, timerLock, sp.GetRequiredService<FunctionInvoker>(), sp.GetRequiredService<TimeProvider>(), logger);
                    });
                    break;
            }
        }
    }

    /// <summary>`%Name%` in a trigger attribute is an app setting, as in the Functions host.</summary>
    public static string Resolve(string value, IConfiguration configuration) =>
        value.Length > 2 && value[0] == '%' && value[^1] == '%'
            ? configuration[value[1..^1]] ?? throw new InvalidOperationException($"App setting {value[1..^1]} is not set.")
            : value;
}
