using System.Reflection;
using Functions.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Functions.Http;

/// <summary>200 with <typeparamref name="T"/> in the API's JSON shape (<see cref="JobJson.Options"/>), as <c>application/json</c>.</summary>
public sealed class JsonOk<T>(T value) : ApiResult<JsonOk<T>>, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    protected override IResult Body => Results.Json(value, JobJson.Options, Json, StatusCode);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), [Json]));
}
