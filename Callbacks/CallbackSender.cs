using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Functions.Callbacks;

/// <summary>
/// Posts one signed callback request: no redirect followed, no proxy, cut after <see cref="CallbacksOptions.Timeout"/>.
/// It connects only to an address it has checked: the host is resolved at connect time and every forbidden address
/// dropped (<see cref="NetworkAddresses"/>), so a name that resolves elsewhere on a second lookup (DNS rebinding)
/// changes nothing.
/// </summary>
public sealed class CallbackSender : IDisposable
{
    public const string ContentType = "application/cloudevents+json";

    private readonly HttpClient _client;
    private readonly CallbacksOptions _options;
    private readonly TimeProvider _time;

    public CallbackSender(IOptions<CallbacksOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectToCheckedAddressAsync,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<CallbackAttempt> PostAsync(Uri url, string webhookId, byte[] body, CancellationToken cancellationToken)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType) { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, webhookId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(WebhookSecrets.Parse(_options.Secret)[0], webhookId, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? CallbackAttempt.Delivered(status)
                : CallbackAttempt.Refused(status, $"The receiver answered {status} {response.ReasonPhrase}.", RetryAfter(response));
        }
        catch (HttpRequestException e) when (Find<ForbiddenAddressException>(e) is { } forbidden)
        {
            return CallbackAttempt.Forbidden(forbidden.Message);
        }
        catch (HttpRequestException e)
        {
            return CallbackAttempt.Refused(null, $"The request failed: {e.Message}", null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CallbackAttempt.Refused(null, $"The receiver did not answer within {_options.TimeoutSeconds:0.#} s.", null);
        }
    }

    /// <summary>Resolves the host, drops forbidden addresses unless allowed, and connects to the first that answers.</summary>
    private async ValueTask<Stream> ConnectToCheckedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = _options.AllowPrivateNetworks ? resolved : [.. resolved.Where(address => !NetworkAddresses.IsForbidden(address))];
        if (allowed.Length == 0) throw new ForbiddenAddressException(host, resolved);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The delay a 429 or 503 asks for, in seconds or as a date; null without one.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)) return null;
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => null,
        };
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }

        return null;
    }

    public void Dispose() => _client.Dispose();
}
