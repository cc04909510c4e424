using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Jobs;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class BadInputTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString);
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("{", "body")]
    [InlineData("", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("\"primes\"", "body")]
    [InlineData("""{"input":{"limit":10}}""", "kind")]
    [InlineData("""{"kind":null,"input":{"limit":10}}""", "kind")]
    [InlineData("""{"kind":7,"input":{"limit":10}}""", "kind")]
    [InlineData("""{"kind":"nope","input":{"limit":10}}""", "kind")]
    [InlineData("""{"kind":"primes"}""", "input")]
    [InlineData("""{"kind":"primes","input":[10]}""", "input")]
    [InlineData("""{"kind":"primes","input":{}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":-1}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":10000000000001}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":1e400}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":2.5}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":"10"}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":true}}""", "input.limit")]
    [InlineData("""{"kind":"primes","input":{"limit":10},"priority":1}""", "priority")]
    [InlineData("""{"kind":"\ud800","input":{"limit":10}}""", "body")]
    [InlineData("""{"kind":"primes","input":{"\udc00x":1,"limit":10}}""", "body")]
    [InlineData("""{"\ud800":1,"kind":"primes","input":{"limit":10}}""", "body")]
    public async Task Submit_BadBody_Answers400NamingTheFieldAndStoresNothing(string body, string field)
    {
        var census = await StorageCensus.TakeAsync(azurite.ConnectionString);

        var answer = await _app.PostJobAsync(body, headers: JobLifecycleTests.NewKey());

        AssertProblem(answer, 400, field);
        await census.AssertUnchangedAsync();
    }

    [Fact]
    public async Task Submit_BodyOverTheCap_Answers413()
    {
        var body = """{"kind":"primes","input":{"limit":10,"pad":""" + "\"" + new string('x', 70_000) + "\"}}";

        AssertProblem(await _app.PostJobAsync(body), 413, "body");
    }

    [Fact]
    public async Task Submit_InputOneOverWhatTheStoreKeeps_Answers400NamingInput()
    {
        // Under the body cap, one character over what one table property holds (64 KiB, 32 K UTF-16 characters).
        var body = """{"kind":"primes","input":{"limit":10,"pad":""" + "\"" + new string('x', _app.Store.MaxInputLength - 20) + "\"}}";

        AssertProblem(await _app.PostJobAsync(body), 400, "input");
        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Submit_InputOfExactlyWhatTheStoreKeeps_IsStoredAndRuns()
    {
        // The limit is the service's own: real storage must take an input of exactly that length.
        var input = """{"limit":10,"pad":""" + "\"" + new string('x', _app.Store.MaxInputLength - 21) + "\"}";
        Assert.Equal(_app.Store.MaxInputLength, input.Length);

        var id = await _app.SubmitAsync($$"""{"kind":"primes","input":{{input}}}""");

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, TimeSpan.FromSeconds(60));
        Assert.Equal(4, (await _app.GetAsync(Routes.JobPath(id))).Json.GetProperty("result").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Submit_NotJson_Answers415()
    {
        AssertProblem(await _app.PostJobAsync("limit=10", contentType: "application/x-www-form-urlencoded"), 415, "Content-Type");
    }

    [Theory]
    [InlineData("?wait=abc")]
    [InlineData("?wait=-1")]
    [InlineData("?wait=1.5")]
    [InlineData("?wait=99999999999999")]
    [InlineData("?wait=1&wait=2")]
    public async Task Submit_BadWait_Answers400(string query)
    {
        AssertProblem(await _app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""", query), 400, "wait");
        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync()).Value);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-an-id")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("%27%20or%201%3D1")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    public async Task UnknownOrMalformedId_Answers404OnEveryEndpoint(string id)
    {
        AssertProblem(await _app.GetAsync(Routes.JobPath(id)), 404, "id");
        AssertProblem(await _app.GetAsync(Routes.JobPath(id) + "?wait=1"), 404, "id");
        AssertProblem(await _app.GetAsync(Routes.JobResultPath(id)), 404, "id");
        AssertProblem(await _app.DeleteAsync(Routes.JobPath(id)), 404, "id");
    }

    [Fact]
    public async Task Hello_NameTooLong_Answers400()
    {
        AssertProblem(await _app.GetAsync(Routes.HelloPath + "?name=" + new string('a', 101)), 400, "name");
    }

    [Fact]
    public async Task MalformedQueueMessage_IsDroppedWithoutLooping()
    {
        await _app.RawJobsQueue.SendMessageAsync(Convert.ToBase64String("not json at all"u8));
        await _app.RawJobsQueue.SendMessageAsync("%%% not base64 %%%");

        await _app.PumpUntilAsync(async () =>
            (await _app.RawJobsQueue.PeekMessageAsync()).Value is null && (await _app.RawPoisonQueue.PeekMessageAsync()).Value is null,
            TimeSpan.FromSeconds(60));

        Assert.Equal(0, await _app.PumpOnceAsync());
    }

    [Theory]
    [InlineData("""{"jobId":"\ud800"}""")]
    [InlineData("""{"jobId":"0123456789abcdef0123456789abcdef","range":"x","\ud800":1}""")]
    public async Task QueueMessage_WithEscapedLoneSurrogate_IsDroppedAsMalformedStoringNothing(string message)
    {
        // Valid JSON, but "\ud800" is no text: reading it throws InvalidOperationException, not JsonException.
        var logs = new RecordingLoggerProvider();
        await using var app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var census = await StorageCensus.TakeAsync(azurite.ConnectionString);

        await app.Compute.Compute(message, CancellationToken.None);
        await app.Compute.FailPoisoned(message, CancellationToken.None);

        Assert.Equal(2, logs.Records.Count(r => r.EventName == "MalformedMessage"));
        await census.AssertUnchangedAsync();
    }

    [Fact]
    public async Task MalformedQueueMessage_NamingAJob_FailsThatJob()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}""");
        await _app.RawJobsQueue.ClearMessagesAsync();
        var bad = $$"""{"jobId":"{{id}}","range":"first"}""";
        await _app.RawJobsQueue.SendMessageAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(bad)));

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Failed, TimeSpan.FromSeconds(60));

        var answer = await _app.GetAsync(Routes.JobPath(id));
        Assert.Equal(200, answer.Status);
        Assert.Equal("malformed-message", answer.Json.GetProperty("error").GetProperty("code").GetString());
    }

    internal static void AssertProblem(HttpAnswer answer, int status, string field)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(status, answer.Json.GetProperty("status").GetInt32());
        Assert.Equal(field, answer.Json.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(answer.Json.GetProperty("detail").GetString()));
    }
}
