using Microsoft.Extensions.Logging;

namespace ComputeFunctions.Client;

internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Retrying {Method} {Path} in {DelayMilliseconds} ms: attempt {Attempt} failed: {Failure}")]
    public static partial void Retrying(ILogger logger, string method, string path, long delayMilliseconds, int attempt, string failure);
}
