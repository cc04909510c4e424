using System.Reflection;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Reliability;

[Collection(StorageCollection.Name)]
public sealed class SubmitCrashTests(AzuriteFixture azurite)
{
    private const string Body = """{"kind":"primes","input":{"limit":1000}}""";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RetriedSubmit_FirstAttemptDiedBetweenStoringAndQueueing_RunsTheJob()
    {
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "crash-" + Guid.NewGuid() };
        await using (var crashed = new FunctionApp(azurite.ConnectionString, addTestServices: CrashAfterCreate.Register))
            await Assert.ThrowsAsync<ProcessDiedException>(() => crashed.PostJobAsync(Body, headers: key));

        await using var app = new FunctionApp(azurite.ConnectionString,
            addTestServices: services => services.AddSingleton<TimeProvider>(new ShiftedClock(TimeSpan.FromMinutes(1))));
        var retried = await app.PostJobAsync(Body, headers: key);

        Assert.Equal(202, retried.Status);
        var id = retried.Json.GetProperty("id").GetString()!;
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        var answer = await app.GetAsync($"/api/jobs/{id}");
        Assert.Equal(168, answer.Json.GetProperty("result").GetProperty("count").GetInt64());
    }

    private sealed class ProcessDiedException() : Exception("The process died right after the job row was stored.");

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }

    /// <summary>The app's store, except that the process "dies" as soon as a new job row is stored.</summary>
    public class CrashAfterCreate : DispatchProxy
    {
        private IJobStore _inner = null!;

        public static void Register(IServiceCollection services)
        {
            services.AddSingleton<TableJobStore>();
            services.AddSingleton(provider =>
            {
                var store = Create<IJobStore, CrashAfterCreate>();
                ((CrashAfterCreate)store)._inner = provider.GetRequiredService<TableJobStore>();
                return store;
            });
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_inner, args);
            return targetMethod.Name == nameof(IJobStore.TryCreateAsync) ? DieAfter((Task<string?>)result!) : result;
        }

        private static async Task<string?> DieAfter(Task<string?> create)
        {
            await create;
            throw new ProcessDiedException();
        }
    }
}
