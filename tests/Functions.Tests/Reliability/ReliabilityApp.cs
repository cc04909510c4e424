using Functions.Compute;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Reliability;

public static class ReliabilityApp
{
    /// <summary>The real app with the <see cref="SequenceKind"/> added and its store's transitions recorded.</summary>
    public static FunctionApp Create(string connectionString, SequenceKind sequence, JobTransitions transitions, params (string Key, string Value)[] settings) =>
        new(connectionString, settings.ToDictionary(s => s.Key, s => (string?)s.Value), services =>
        {
            services.AddSingleton<IComputeKind>(sequence);
            transitions.Register(services);
        });
}
