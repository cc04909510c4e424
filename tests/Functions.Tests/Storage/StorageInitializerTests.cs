using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Storage;

public sealed class StorageInitializerTests
{
    [Fact]
    public async Task Ensure_FirstCallerGoesAway_TheOthersKeepWaitingForTheSharedCreation()
    {
        // Storage that takes connections and never answers: the creation stays in flight until its callers give up.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var account = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/devstoreaccount1";
            var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Azurite.AccountKey};" +
                $"BlobEndpoint={account};QueueEndpoint={account};TableEndpoint={account};";
            var storage = new StorageInitializer(new QueueServiceClient(connection), new TableServiceClient(connection), new BlobServiceClient(connection));
            using var goesAway = new CancellationTokenSource();
            using var stays = new CancellationTokenSource();

            var first = storage.EnsureQueuesAsync(goesAway.Token);
            var second = storage.EnsureQueuesAsync(stays.Token);
            await goesAway.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            Assert.False(second.IsCompleted, "the second caller was canceled along with the first");
            await stays.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        }
        finally
        {
            silent.Stop();
        }
    }
}
