using ForumCloud.Functions.Platform;

namespace ForumCloud.DevHost;

/// <summary>A hosted listener for each queue- and timer-triggered function.</summary>
internal static class TriggerServices
{
    public static void Add(IServiceCollection services, IReadOnlyList<FunctionDescriptor> functions, HostJson hostJson, IConfiguration configuration)
    {
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case TriggerKind.Queue:
                    var queueName = Resolve(function.Queue.QueueName, configuration);
                    services.AddSingleton<IHostedService>(sp =>
                    {
                        var storage = sp.GetRequiredService<StorageAccount>();
                        return new QueueTriggerListener(function, storage.RawQueue(queueName), storage.RawQueue(QueueNames.PoisonOf(queueName)), hostJson.Queues,
                            sp.GetRequiredService<FunctionInvoker>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Queue." + function.Name));
                    });
                    break;
                case TriggerKind.Timer:
                    var schedule = Resolve(function.Timer.Schedule, configuration);
                    TimerTriggerScheduler.ParseSchedule(schedule); // fail at start-up on a bad expression
                    services.AddSingleton<IHostedService>(sp => new TimerTriggerScheduler(function, schedule, sp.GetRequiredService<FunctionInvoker>(),
                        sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Timer." + function.Name)));
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
