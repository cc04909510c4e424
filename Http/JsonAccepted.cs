using System.Reflection;
using Functions.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Functions.Http;

/// <summary>202 with <typeparamref name="T"/> in the API's JSON shape and <c>Retry-After</c>: the work goes on, ask again then.</summary>
public sealed class JsonAccepted<T> : ApiResult<JsonAccepted<T>>, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public JsonAccepted(T value, string retryAfterSeconds)
    {
        Value = value;
        WithHeader(ApiText.RetryAfter, retryAfterSeconds);
    }

    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status202Accepted;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    protected override IResult Body => Results.Json(Value, JobJson.Options, Json, StatusCode);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(T), [Json]));
}
