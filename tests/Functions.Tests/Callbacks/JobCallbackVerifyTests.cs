using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ComputeFunctions.Client;
using Functions.Callbacks;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Callbacks;

/// <summary>The app's signature (<see cref="WebhookSignature"/>) as the client's <see cref="JobCallback.Verify(IReadOnlyDictionary{string, string}, string, string, TimeProvider?)"/> checks it.</summary>
public sealed class JobCallbackVerifyTests
{
    private const string Body = """{"specversion":"1.0","type":"compute.job.succeeded","source":"/api/jobs","id":"abc-succeeded","subject":"abc","time":"2026-01-01T00:00:00+00:00","datacontenttype":"application/json","data":{"id":"abc","kind":"primes","status":"succeeded"}}""";

    private static readonly string OldSecret = NewSecret();
    private static readonly string NewSecretValue = NewSecret();
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_SignedWithAnyOfTheSecrets_ReturnsTheEvent(bool newestFirst)
    {
        var headers = Signed(NewSecretValue, "abc-succeeded", Body);
        var secrets = newestFirst ? $"{NewSecretValue} {OldSecret}" : $"{OldSecret} {NewSecretValue}";

        var callback = JobCallback.Verify(headers, Body, secrets, Clock);

        Assert.Equal("abc-succeeded", callback.Id);
        Assert.Equal("compute.job.succeeded", callback.Type);
        Assert.Equal("abc", callback.Data.Id);
    }

    [Fact]
    public void Verify_OtherSecret_Throws() =>
        Assert.Throws<JobCallbackException>(() => JobCallback.Verify(Signed(OldSecret, "abc-succeeded", Body), Body, NewSecretValue, Clock));

    [Fact]
    public void Verify_BodyChanged_Throws() =>
        Assert.Throws<JobCallbackException>(() => JobCallback.Verify(Signed(OldSecret, "abc-succeeded", Body), Body.Replace("succeeded", "failed"), OldSecret, Clock));

    [Fact]
    public void Verify_IdChanged_Throws()
    {
        var headers = new Dictionary<string, string>(Signed(OldSecret, "abc-succeeded", Body)) { ["webhook-id"] = "other" };

        Assert.Throws<JobCallbackException>(() => JobCallback.Verify(headers, Body, OldSecret, Clock));
    }

    [Fact]
    public void Verify_TimestampOlderThanTheTolerance_Throws()
    {
        var headers = Signed(OldSecret, "abc-succeeded", Body);
        var later = new FakeTimeProvider(Clock.GetUtcNow() + JobCallback.Tolerance + TimeSpan.FromSeconds(2));

        Assert.Throws<JobCallbackException>(() => JobCallback.Verify(headers, Body, OldSecret, later));
    }

    [Fact]
    public void Verify_HeaderMissing_Throws() =>
        Assert.Throws<JobCallbackException>(() => JobCallback.Verify(new Dictionary<string, string>(), Body, OldSecret, Clock));

    [Fact]
    public void Sign_IsTheStandardWebhooksSignature()
    {
        // HMAC-SHA256 over "{id}.{timestamp}.{body}", keyed with the secret's bytes, as any HMAC library computes it.
        var key = Convert.FromBase64String(OldSecret["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes("msg_1.1700000000." + Body)));

        Assert.Equal(expected, WebhookSignature.Sign(key, "msg_1", 1700000000, Encoding.UTF8.GetBytes(Body)));
    }

    private static Dictionary<string, string> Signed(string secret, string id, string body)
    {
        var timestamp = Clock.GetUtcNow().ToUnixTimeSeconds();
        return new Dictionary<string, string>
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.Sign(WebhookSecrets.Parse(secret)[0], id, timestamp, Encoding.UTF8.GetBytes(body)),
        };
    }

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
