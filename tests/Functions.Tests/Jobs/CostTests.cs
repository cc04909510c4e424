using System.Text.Json;
using Functions.Compute.HashSearch;
using Functions.Compute.Mandelbrot;
using Functions.Compute.Primes;
using Functions.Compute;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

/// <summary>A job's price is known before it runs: estimates, the per-job cap, a search's budget, and admission by work.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class CostTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<IComputeKind, string, long[]> GrowingInputs => new()
    {
        { new PrimesKind(), """{"limit":0}""", [1_000, 1_000_000, 1_000_000_000, 100_000_000_000, 10_000_000_000_000] },
        { new MandelbrotKind(), """{"width":640,"height":480,"maxIterations":1}""", [10, 100, 1_000, 10_000, 100_000] },
        { new HashSearchKind(), """{"prefix":"a","difficulty":1}""", [8, 16, 24, 32] },
    };

    [Theory]
    [MemberData(nameof(GrowingInputs))]
    public void Estimate_GrowsWithTheFieldThatDrivesTheCost(IComputeKind kind, string baseInput, long[] values)
    {
        var estimates = values.Select(value => kind.Plan(With(baseInput, kind.Description.CostField, value)).Estimate).ToList();

        Assert.All(estimates.Zip(estimates.Skip(1)), pair => Assert.True(pair.Second.Expected > pair.First.Expected, $"{pair.First} then {pair.Second}"));
        Assert.All(estimates, estimate => Assert.True(estimate.Worst >= estimate.Expected));
    }

    [Fact]
    public void Estimate_HashSearch_ExpectsTwoToTheDifficultyAndGivesUpAtSixtyFourTimesThat()
    {
        var estimate = new HashSearchKind().Plan(JsonSerializer.SerializeToElement(new { prefix = "a", difficulty = 24 })).Estimate;

        Assert.Equal(64, estimate.Worst / estimate.Expected, 0.01);
        Assert.InRange(estimate.Expected.TotalSeconds, (1 << 24) * 300e-9, (1 << 24) * 600e-9);
    }

    public static TheoryData<string, string> Kinds => new()
    {
        { "primes", """{"limit":0}""" },
        { "mandelbrot", """{"width":1920,"height":1080,"maxIterations":1}""" },
        { "hashsearch", """{"prefix":"a","difficulty":1}""" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Submit_AtTheCap_IsAcceptedAndJustOverIsRefusedNamingTheFieldAndTheLargestThatFitsAndStoringNothing(string kindName, string baseInput)
    {
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Jobs:MaxJobCoreSeconds"] = "10" });
        var kind = app.Services.GetRequiredService<ComputeKinds>().Find(kindName)!;
        var field = kind.Description.CostField;
        var largest = CostCap.LargestFitting(kind, With(baseInput, field, (long)kind.Description.Input.Single(f => f.Name == field).Maximum!), TimeSpan.FromSeconds(10))!.Value;

        var atCap = await app.PostJobAsync(Job(kindName, With(baseInput, field, largest)));
        var census = await StorageCensus.TakeAsync(azurite.ConnectionString);
        var over = await app.PostJobAsync(Job(kindName, With(baseInput, field, largest + 1)), headers: JobLifecycleTests.NewKey());

        Assert.Equal(202, atCap.Status);
        Assert.InRange(atCap.Json.GetProperty("estimate").GetProperty("coreSeconds").GetDouble(), 0, 10);
        BadInputTests.AssertProblem(over, 400, $"input.{field}");
        Assert.Contains($"The largest {field} that fits is {largest}.", over.Json.GetProperty("detail").GetString());
        await census.AssertUnchangedAsync();
        await app.DeleteAsync(Routes.JobPath(atCap.Json.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Estimates_AnswerWhatASubmitWouldStore()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        const string Body = """{"kind":"primes","input":{"limit":100000000000}}""";

        var asked = await app.SendAsync("POST", Routes.EstimatesPath, Body);
        var submitted = await app.PostJobAsync(Body);

        Assert.Equal(200, asked.Status);
        Assert.Equal(submitted.Json.GetProperty("estimate").GetRawText(), asked.Json.GetProperty("estimate").GetRawText());
        Assert.True(asked.Json.GetProperty("estimate").GetProperty("ranges").GetInt32() >= 1);
        BadInputTests.AssertProblem(await app.SendAsync("POST", Routes.EstimatesPath, """{"kind":"primes","input":{"limit":-1}}"""), 400, "input.limit");
        await app.DeleteAsync(Routes.JobPath(submitted.Json.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Search_OutOfBudget_FailsBudgetExhaustedNamingTheRangeItCovered()
    {
        // "budget-4" has no hash with 20 zero bits below nonce 2,400,000; a budget of 1 core-second covers about 2 million.
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Jobs:MaxJobCoreSeconds"] = "1" });
        await app.ClearQueuesAsync();
        var id = await app.SubmitAsync("""{"kind":"hashsearch","input":{"prefix":"budget-4","difficulty":20}}""");

        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Failed, Deadline);

        var job = (await app.GetAsync(Routes.JobPath(id))).Json;
        var searched = job.GetProperty("result").GetProperty("noncesSearched").GetInt64();
        Assert.Equal("budget-exhausted", job.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains($"nonces 0 to {searched - 1}", job.GetProperty("error").GetProperty("message").GetString());
        Assert.InRange(searched, 1_000_000, 2_400_000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Admission_RefusesByWorkQueuedStoringNothing_AndAcceptsAgainAsItDrains(bool withIdempotencyKey)
    {
        // Started in the past: the clock runs ahead as the test goes, and the listing's newest jobs must stay the other tests'.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Jobs:MaxQueuedCoreSeconds"] = "30" },
            services => services.AddSingleton<TimeProvider>(clock));
        await app.ClearQueuesAsync();
        // Other tests leave jobs queued or running; their work counts too. Cancel every job the work ledger holds (the
        // listing, filtered, may answer an empty page before the oldest) so this test starts from none.
        var store = app.Services.GetRequiredService<IJobStore>();
        foreach (var stale in (await store.GetQueuedWorkAsync(CancellationToken.None)).JobIds) await app.DeleteAsync(Routes.JobPath(stale));
        await store.ForgetFinishedWorkAsync(CancellationToken.None);
        const string Body = """{"kind":"primes","input":{"limit":100000000000}}""";
        var each = (await app.SendAsync("POST", Routes.EstimatesPath, Body)).Json.GetProperty("estimate").GetProperty("coreSeconds").GetDouble();
        var fitting = (int)(30 / each);
        clock.Advance(CachedRead<int>.Staleness);

        var accepted = new List<string>();
        try
        {
            for (var i = 0; i < fitting; i++)
            {
                accepted.Add(await app.SubmitAsync(Body));
                clock.Advance(CachedRead<int>.Staleness);
            }

            var census = await StorageCensus.TakeAsync(azurite.ConnectionString);
            var refused = await app.PostJobAsync(Body, headers: withIdempotencyKey ? JobLifecycleTests.NewKey() : null);
            Assert.Equal(503, refused.Status);
            Assert.NotNull(refused.Header("Retry-After"));
            Assert.Contains("core-seconds", refused.Json.GetProperty("detail").GetString());
            await census.AssertUnchangedAsync();

            await app.DeleteAsync(Routes.JobPath(accepted[0]));
            clock.Advance(CachedRead<int>.Staleness);
            accepted.Add(await app.SubmitAsync(Body));
        }
        finally
        {
            // Their work would count against the next test that admits by work.
            foreach (var id in accepted) await app.DeleteAsync(Routes.JobPath(id));
        }
    }

    private static JsonElement With(string input, string field, long value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(input)!.AsObject();
        node[field] = value;
        return JsonSerializer.SerializeToElement(node);
    }

    private static string Job(string kind, JsonElement input) => $$"""{"kind":"{{kind}}","input":{{input.GetRawText()}}}""";
}
