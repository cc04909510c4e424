using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Compute;

/// <summary>The test-only failing kind: there only when Compute__TestKinds asks for it, and then poisoned as it should be.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class FailingKindTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TestKinds_Unset_FailingIsNeitherListedNorDocumentedNorAccepted()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);

        var kinds = (await app.GetAsync(Routes.KindsPath)).Json.EnumerateArray().Select(k => k.GetProperty("name").GetString());
        var document = (await app.GetAsync(Routes.OpenApiPath)).Text;
        var submit = await app.PostJobAsync("""{"kind":"failing","input":{"chunks":1}}""");

        Assert.DoesNotContain("failing", kinds);
        Assert.DoesNotContain("\"failing\"", document);
        Jobs.BadInputTests.AssertProblem(submit, 400, "kind");
    }

    [Fact]
    public async Task TestKinds_True_AJobOfItGoesThroughEveryRetryToRetriesExhausted()
    {
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Compute:TestKinds"] = "true" });
        await app.ClearQueuesAsync();

        var kinds = (await app.GetAsync(Routes.KindsPath)).Json.EnumerateArray().Select(k => k.GetProperty("name").GetString());
        var id = await app.SubmitAsync("""{"kind":"failing","input":{"chunks":1}}""");
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Failed, TimeSpan.FromSeconds(60));

        Assert.Contains("failing", kinds);
        Assert.Equal("retries-exhausted", (await app.GetAsync(Routes.JobPath(id))).Json.GetProperty("error").GetProperty("code").GetString());
    }
}
