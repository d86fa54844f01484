using System.Net;
using System.Text.Json;

namespace Baton.Client;

/// <summary>Rebuilds the typed exception a problem details answer describes, from its <c>errorCode</c> and fields.</summary>
internal static class ProblemMapper
{
    public static async Task<Exception> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        JsonElement problem = default;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            problem = text.Length > 0 ? JsonSerializer.Deserialize<JsonElement>(text) : default;
        }
        catch (JsonException)
        {
        }

        var status = (int)response.StatusCode;
        var title = Text(problem, "title") ?? response.ReasonPhrase ?? "error";
        var detail = Text(problem, "detail");
        string Field(string name) => Text(problem, name) ?? "";
        return Text(problem, "errorCode") switch
        {
            nameof(InstanceNotFoundException) => new InstanceNotFoundException(Field("instanceId")),
            nameof(WorkflowNotRegisteredException) => new WorkflowNotRegisteredException(Field("workflowName")),
            nameof(NamespaceNotFoundException) => new NamespaceNotFoundException(Field("namespace")),
            nameof(InstanceAlreadyExistsException) => new InstanceAlreadyExistsException(Field("instanceId")),
            nameof(InvalidInstanceStateException) => new InvalidInstanceStateException(
                Field("instanceId"), Enum.TryParse<WorkflowRuntimeStatus>(Field("instanceStatus"), out var s) ? s : default, Field("operation"), Field("rule")),
            nameof(InvalidWorkflowInputException) => new InvalidWorkflowInputException(
                Field("workflowName"), Field("expectedType"), Field("reason"), Errors(problem)),
            nameof(InvalidInstanceIdException) => new InvalidInstanceIdException(Text(problem, "instanceId"), Field("reason")),
            nameof(InvalidCallbackTokenException) => new InvalidCallbackTokenException(Field("reason")),
            nameof(CallbackNotPendingException) => new CallbackNotPendingException(Field("instanceId")),
            nameof(QueryNotFoundException) => new QueryNotFoundException(Field("instanceId"), Field("queryName"), Field("declared")),
            nameof(QueryFailedException) => new QueryFailedException(Field("instanceId"), Field("queryName"), Field("reason")),
            nameof(UpdateNotFoundException) => new UpdateNotFoundException(Field("instanceId"), Field("updateName"), Field("declared")),
            nameof(UpdateRejectedException) => new UpdateRejectedException(Field("instanceId"), Field("updateName"), Field("reason")),
            nameof(UpdateFailedException) => new UpdateFailedException(Field("instanceId"), Field("updateId"), Failure(problem) ?? new FailureDetails("", detail ?? title)),
            nameof(PayloadTooLargeException) => new PayloadTooLargeException(Field("what") is { Length: > 0 } what ? what : "the payload", Number(problem, "bytes"), Number(problem, "limit")),
            "RequestTooLarge" => new PayloadTooLargeException("the request body", Number(problem, "bytes"), Number(problem, "limit")),
            "InvalidArgument" or "MalformedJson" => new ArgumentException(detail ?? title),
            _ when response.StatusCode == HttpStatusCode.NotFound && detail is null => new BatonApiException(status, title, "no such route on the node; is BaseAddress right?"),
            _ => new BatonApiException(status, title, detail),
        };
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static FailureDetails? Failure(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("failure", out var failure) && failure.ValueKind == JsonValueKind.Object
            ? failure.Deserialize<FailureDetails>(Serialization.BatonJson.Options)
            : null;

    private static long Number(JsonElement problem, string name) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;

    private static Dictionary<string, string[]>? Errors(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray())
            : null;
}
