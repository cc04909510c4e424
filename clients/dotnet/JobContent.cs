namespace ComputeFunctions.Client;

/// <summary>
/// A job's result as the server stores it, streamed: a PNG for <c>mandelbrot</c>, JSON for the other kinds. Dispose it
/// to release the connection.
/// </summary>
public sealed class JobContent : IDisposable, IAsyncDisposable
{
    private readonly HttpResponseMessage _response;

    internal JobContent(HttpResponseMessage response, Stream content)
    {
        _response = response;
        Content = content;
    }

    /// <summary>The bytes, read as they arrive.</summary>
    public Stream Content { get; }

    /// <summary>The media type, such as <c>image/png</c> or <c>application/json</c>.</summary>
    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>The size in bytes, when the server said it.</summary>
    public long? Length => _response.Content.Headers.ContentLength;

    /// <inheritdoc/>
    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
