using Microsoft.Extensions.Logging;

namespace Functions.Health;

internal static partial class HealthLog
{
    [LoggerMessage(LogLevel.Warning, "Health: the {Service} did not answer")]
    public static partial void Unreachable(ILogger logger, Exception exception, string service);
}
