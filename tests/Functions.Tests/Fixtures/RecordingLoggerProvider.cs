using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Fixtures;

public sealed record LogRecord(string Category, string? EventName, IReadOnlyDictionary<string, object?> Properties, Exception? Exception);

/// <summary>Records every log line the app writes, with its event name and properties.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogRecord> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Records);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            records.Enqueue(new LogRecord(category, eventId.Name, properties.ToDictionary(p => p.Key, p => p.Value), exception));
        }
    }
}
