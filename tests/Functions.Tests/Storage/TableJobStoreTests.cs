using Azure.Data.Tables;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Storage;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class TableJobStoreTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(16)]
    [InlineData(TableLimits.MaxPropertyBytes)]
    [InlineData(TableLimits.MaxPropertyBytes + 1)]
    [InlineData(100_000)]
    public async Task SaveRange_ProgressOfADuplicateAfterTheRangeIsDone_LeavesItDoneWithItsPartial(int partialBytes)
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        var store = app.Store;
        var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Running, DateTimeOffset.UtcNow, ChunkCount: 8, RangeCount: 1);
        await store.TryCreateAsync(job, CancellationToken.None);
        var partial = BinaryData.FromBytes(Enumerable.Range(0, partialBytes).Select(i => (byte)i).ToArray());

        await store.SaveRangeAsync(job.Id, new RangeRecord(0, 0, 8, 5, IsDone: true, EndsSearch: true), partial, CancellationToken.None);
        await store.SaveRangeAsync(job.Id, new RangeRecord(0, 0, 8, 3), null, CancellationToken.None);

        var range = Assert.Single((await store.GetAsync(job.Id, CancellationToken.None))!.Ranges);
        Assert.True(range.IsDone);
        Assert.True(range.EndsSearch);
        Assert.Equal(partial.ToArray(), (await store.ReadPartialAsync(job.Id, range, CancellationToken.None)).ToArray());
    }

    [Fact]
    public async Task TryCreate_RowThereAlready_TheSameWriteCountsAsStoredAnotherIsRefusedAndTheJobIsListedOnce()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Queued, DateTimeOffset.UtcNow);

        var stored = await app.Store.TryCreateAsync(job, CancellationToken.None);
        var another = await app.Store.TryCreateAsync(job with { CreatedAt = job.CreatedAt.AddMilliseconds(5) }, CancellationToken.None);
        var again = await app.Store.TryCreateAsync(job, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Null(another);
        Assert.Equal(stored, again);

        var newest = await app.Store.ListAsync(null, 10, null, CancellationToken.None);
        Assert.Single(newest.Jobs, listed => listed.Id == job.Id);
    }

    [Fact]
    public async Task SaveRange_Progress_IsReadBack()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        var store = app.Store;
        var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Running, DateTimeOffset.UtcNow, ChunkCount: 8, RangeCount: 2);
        await store.TryCreateAsync(job, CancellationToken.None);

        await store.SaveRangeAsync(job.Id, new RangeRecord(1, 4, 8, 1), null, CancellationToken.None);
        await store.SaveRangeAsync(job.Id, new RangeRecord(1, 4, 8, 3), null, CancellationToken.None);

        var snapshot = (await store.GetAsync(job.Id, CancellationToken.None))!;
        Assert.Equal(new RangeRecord(1, 4, 8, 3), Assert.Single(snapshot.Ranges));
        Assert.Equal(3, snapshot.ChunksDone);
    }

    [Theory]
    [InlineData(TableLimits.MaxStringLength, false)]
    [InlineData(TableLimits.MaxStringLength + 1, true)]
    public async Task SaveResult_JsonThatFitsARow_StaysInTheRowLargerGoesToABlob(int length, bool inBlob)
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Running, DateTimeOffset.UtcNow, ChunkCount: 1, RangeCount: 1);
        var version = (await app.Store.TryCreateAsync(job, CancellationToken.None))!;
        var json = $"\"{new string('x', length - 2)}\"";

        var finished = await app.Store.SaveResultAsync(job with { Status = JobStatus.Succeeded }, json, null, null, CancellationToken.None);
        Assert.NotNull(await app.Store.TryReplaceAsync(finished, version, CancellationToken.None));

        var stored = (await app.Store.GetAsync(job.Id, CancellationToken.None))!.Job;
        Assert.Equal(inBlob, stored.ResultBlob is not null);
        var read = inBlob ? (await app.Store.ReadResultAsync(stored.ResultBlob!, CancellationToken.None))!.ToString() : stored.Result;
        Assert.Equal(json, read);
    }

    [Fact]
    public async Task List_FinishedJob_IsShownFromItsListingEntryWithoutItsRow()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Queued, DateTimeOffset.UtcNow, ChunkCount: 1);
        var version = (await app.Store.TryCreateAsync(job, CancellationToken.None))!;
        var finished = job with { Status = JobStatus.Succeeded, CompletedAt = DateTimeOffset.UtcNow, Result = """{"count":4}""" };
        Assert.NotNull(await app.Store.TryReplaceAsync(finished, version, CancellationToken.None));

        // The job row gone, the listing still shows the job as it finished: the entry carries it.
        await app.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.JobsTable).DeleteEntityAsync(job.Id, "job");
        var listed = (await app.Store.ListAsync(JobStatus.Succeeded, 100, null, CancellationToken.None)).Jobs.Single(j => j.Id == job.Id);

        Assert.Equal((JobStatus.Succeeded, "primes", """{"count":4}""", 1), (listed.Status, listed.Kind, listed.Result, listed.ChunkCount));
        Assert.NotNull(listed.CompletedAt);
    }
}
