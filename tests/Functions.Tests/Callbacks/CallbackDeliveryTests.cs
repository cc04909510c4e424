using System.Text.Json;
using ComputeFunctions.Client;
using Functions.Http;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Callbacks;

/// <summary>Callbacks end to end: a job's end, the callbacks queue, the signed request to a receiver on a loopback port.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", "Storage")]
public sealed class CallbackDeliveryTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("primes", """{"limit":1000}""", "succeeded")]
    [InlineData("failing", """{"chunks":1}""", "failed")]
    public async Task JobEnds_CallsBackOnceSignedWithTheJobsView(string kind, string input, string status)
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = await StartAsync();

        var id = await app.SubmitAsync($$$"""{"kind":"{{{kind}}}","input":{{{input}}},"callback":{"url":"{{{receiver.Url}}}"}}""");
        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "delivered", Deadline);
        await app.PumpOnceAsync();
        await app.PumpCallbacksOnceAsync();

        var received = Assert.Single(receiver.Received);
        var callback = AssertSigned(received);
        Assert.Equal("POST", received.Method);
        Assert.StartsWith("application/cloudevents+json", received.Headers["Content-Type"]);
        Assert.Equal($"{id}-{status}", callback.Id);
        Assert.Equal(received.Headers["webhook-id"], callback.Id);
        Assert.Equal("compute.job." + status, callback.Type);
        Assert.Equal("1.0", callback.SpecVersion);
        Assert.Equal("/api/jobs", callback.Source);
        Assert.Equal(id, callback.Subject);
        Assert.Equal(id, callback.Data.Id);
        Assert.Equal(status, callback.Data.Status.ToString());
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("application/json", body.RootElement.GetProperty("datacontenttype").GetString());
        Assert.Equal(receiver.Url.AbsoluteUri, body.RootElement.GetProperty("data").GetProperty("callback").GetProperty("url").GetString());
        if (status == "succeeded") Assert.Equal(168, callback.Data.Result!.Value.GetProperty("count").GetInt64());
        else Assert.Equal("retries-exhausted", callback.Data.Error!.Code);

        var view = (await app.GetAsync(Routes.JobPath(id))).Json.GetProperty("callback").GetProperty("delivery");
        Assert.Equal(200, view.GetProperty("statusCode").GetInt32());
        Assert.Equal(1, view.GetProperty("attempts").GetInt32());
        Assert.True(view.TryGetProperty("deliveredAt", out _));
    }

    [Fact]
    public async Task JobCanceled_CallsBackOnce()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = await StartAsync();
        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}","events":["canceled"]}}""");

        Assert.Equal(200, (await app.DeleteAsync(Routes.JobPath(id))).Status);
        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "delivered", Deadline);

        var callback = AssertSigned(Assert.Single(receiver.Received));
        Assert.Equal("compute.job.canceled", callback.Type);
        Assert.Equal($"{id}-canceled", callback.Id);
    }

    [Fact]
    public async Task JobEndsInAStateNotAskedFor_NoCallback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = await StartAsync();

        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}","events":["failed"]}}""");
        await app.PumpWithCallbacksUntilAsync(async () => await app.StatusAsync(id) == Functions.Jobs.JobStatus.Succeeded, Deadline);
        await app.PumpCallbacksOnceAsync();

        Assert.Empty(receiver.Received);
        var callback = (await app.GetAsync(Routes.JobPath(id))).Json.GetProperty("callback");
        Assert.False(callback.TryGetProperty("delivery", out _));
        Assert.Equal(0, (await app.RawCallbacksQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task ReceiverFailsForAWhile_RetriedWithTheSameIdUntilDelivered()
    {
        await using var receiver = await CallbackReceiver.StartAsync(n => n <= 3 ? 500 : 200);
        await using var app = await StartAsync(("Callbacks:FirstRetrySeconds", "0.1"), ("Callbacks:MaxRetrySeconds", "0.5"));

        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}"}}""");
        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "delivered", Deadline);

        Assert.Equal(4, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.All(receiver.Received, received => AssertSigned(received));
        var delivery = (await app.GetAsync(Routes.JobPath(id))).Json.GetProperty("callback").GetProperty("delivery");
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task ReceiverNeverAnswers_DeliveryEndsFailedAndPoisoned()
    {
        await using var receiver = await CallbackReceiver.StartAsync(_ => null);
        await using var app = await StartAsync(
            ("Callbacks:TimeoutSeconds", "0.3"), ("Callbacks:FirstRetrySeconds", "0.1"), ("Callbacks:MaxRetrySeconds", "0.2"), ("Callbacks:GiveUpHours", "0.0005"));

        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}"}}""");
        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "failed", Deadline);

        var delivery = (await app.GetAsync(Routes.JobPath(id))).Json.GetProperty("callback").GetProperty("delivery");
        Assert.Equal(receiver.Received.Count, delivery.GetProperty("attempts").GetInt32());
        Assert.True(receiver.Received.Count >= 1);
        Assert.Contains("did not answer", delivery.GetProperty("lastError").GetString());
        Assert.Equal(1, (await app.RawCallbacksPoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task DuplicatedDeliveryMessage_SendsNoSecondEvent()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = await StartAsync();
        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}"}}""");
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == Functions.Jobs.JobStatus.Succeeded, Deadline);
        var duplicate = FunctionApp.EncodeAsHost(new CallbackMessage(id).ToJson());

        // One copy alongside the first message, one after the delivery.
        await app.RawCallbacksQueue.SendMessageAsync(duplicate);
        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "delivered", Deadline);
        await app.RawCallbacksQueue.SendMessageAsync(duplicate);
        await app.PumpWithCallbacksUntilAsync(async () => (await app.RawCallbacksQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Deadline);

        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task CallbackMessageLost_RecoveryQueuesItAgain()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = await StartAsync();
        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}"}}""");
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == Functions.Jobs.JobStatus.Succeeded, Deadline);
        await app.RawCallbacksQueue.ClearMessagesAsync();

        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + CallbackRecovery.Window + TimeSpan.FromSeconds(5));
        await using (var recovering = new FunctionApp(azurite.ConnectionString, CallbackSettings.Local(), services => services.AddSingleton<TimeProvider>(later)))
        {
            Assert.Contains(id, await recovering.Services.GetRequiredService<CallbackRecovery>().RequeueStrandedAsync(CancellationToken.None));
        }

        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "delivered", Deadline);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task NameResolvingToLoopback_RefusedAtSendTimeWithoutRetries()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var settings = CallbackSettings.Local();
        settings["Callbacks:AllowPrivateNetworks"] = "false";
        await using var app = new FunctionApp(azurite.ConnectionString, settings);
        await app.ClearQueuesAsync();

        var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"https://localhost:{{{receiver.Url.Port}}}/hook"}}""");
        await app.PumpWithCallbacksUntilAsync(async () => await DeliveryStateAsync(app, id) == "failed", Deadline);

        Assert.Empty(receiver.Received);
        var delivery = (await app.GetAsync(Routes.JobPath(id))).Json.GetProperty("callback").GetProperty("delivery");
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Contains("refused", delivery.GetProperty("lastError").GetString());
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::ffff:169.254.169.254]/hook")]
    [InlineData("http://example.com/hook")]
    [InlineData("/relative")]
    [InlineData("ftp://example.com/hook")]
    public async Task Submit_ForbiddenCallbackUrl_Answers400NamingIt(string url)
    {
        var settings = CallbackSettings.Local();
        settings["Callbacks:AllowPrivateNetworks"] = "false";
        await using var app = new FunctionApp(azurite.ConnectionString, settings);

        var answer = await app.PostJobAsync($$$"""{"kind":"primes","input":{"limit":10},"callback":{"url":"{{{url}}}"}}""");

        Jobs.BadInputTests.AssertProblem(answer, 400, "callback.url");
    }

    [Theory]
    [InlineData("""{"url":"https://example.com/","events":["running"]}""", "callback.events")]
    [InlineData("""{"url":"https://example.com/","events":[]}""", "callback.events")]
    [InlineData("""{"url":"https://example.com/","events":"failed"}""", "callback.events")]
    [InlineData("""{"events":["failed"]}""", "callback.url")]
    [InlineData("""{"url":"https://example.com/","secret":"x"}""", "callback.secret")]
    [InlineData("\"https://example.com/\"", "callback")]
    public async Task Submit_MalformedCallback_Answers400NamingTheField(string callback, string field)
    {
        await using var app = new FunctionApp(azurite.ConnectionString, CallbackSettings.Local());

        var answer = await app.PostJobAsync($$$"""{"kind":"primes","input":{"limit":10},"callback":{{{callback}}}}""");

        Jobs.BadInputTests.AssertProblem(answer, 400, field);
    }

    [Fact]
    public async Task Submit_CallbackWithoutASecretConfigured_Answers400()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);

        var answer = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10},"callback":{"url":"https://example.com/"}}""");

        Jobs.BadInputTests.AssertProblem(answer, 400, "callback");
    }

    [Fact]
    public async Task Submit_SameKeyOtherCallback_Answers422()
    {
        await using var app = await StartAsync();
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var first = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10},"callback":{"url":"https://example.com/a"}}""", headers: key);
        var same = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10},"callback":{"url":"https://example.com/a"}}""", headers: key);
        var other = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10},"callback":{"url":"https://example.com/b"}}""", headers: key);

        Assert.Equal(202, first.Status);
        Assert.Equal(first.Json.GetProperty("id").GetString(), same.Json.GetProperty("id").GetString());
        Assert.Equal(422, other.Status);
    }

    [Fact]
    public async Task JobEndingHere_IsCalledBackAtOnce_WithoutWaitingForTheQueue()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = await StartAsync();
        // As the host starts it: the immediate delivery runs beside the callbacks queue's listener, which is not pumped here.
        var immediate = app.Services.GetRequiredService<Functions.Callbacks.ImmediateDelivery>();
        await immediate.StartAsync(CancellationToken.None);
        try
        {
            var id = await app.SubmitAsync($$$"""{"kind":"primes","input":{"limit":1000},"callback":{"url":"{{{receiver.Url}}}"}}""");
            await app.PumpUntilAsync(async () => await app.StatusAsync(id) == Functions.Jobs.JobStatus.Succeeded, Deadline);

            await FunctionApp.WaitUntilAsync(async () => await DeliveryStateAsync(app, id) == "delivered", Deadline);
            Assert.Equal($"{id}-succeeded", AssertSigned(Assert.Single(receiver.Received)).Id);

            // The queue message sent beside it finds nothing due: still one event.
            await app.PumpCallbacksOnceAsync();
            Assert.Single(receiver.Received);
        }
        finally
        {
            await immediate.StopAsync(CancellationToken.None);
        }
    }

    private async Task<FunctionApp> StartAsync(params (string Key, string Value)[] settings)
    {
        var app = new FunctionApp(azurite.ConnectionString, CallbackSettings.Local(settings));
        await app.ClearQueuesAsync();
        return app;
    }

    private static async Task<string?> DeliveryStateAsync(FunctionApp app, string id) =>
        (await app.Store.GetAsync(id, CancellationToken.None))?.Job.Callback?.Delivery?.State.ToString().ToLowerInvariant();

    private static JobCallbackEvent AssertSigned(ReceivedCallback received) =>
        ComputeFunctions.Client.JobCallback.Verify(received.Headers, received.Body, CallbackSettings.Secret);
}
