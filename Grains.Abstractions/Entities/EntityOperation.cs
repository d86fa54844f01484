using System.Text.Json.Serialization;
using Baton.Serialization;

namespace Baton;

/// <summary>An operation on its way to an entity, as the event <c>op</c> of its instance carries it.</summary>
/// <param name="Name">The operation (a method of the entity), or <c>@lock</c>/<c>@unlock</c> for a critical section.</param>
/// <param name="Input">The operation's input as JSON, or null.</param>
/// <param name="Sender">The workflow instance that sent it, or null for a client.</param>
/// <param name="ReplyEvent">The event to answer the sender with, when it waits for the result; null for a signal.</param>
public sealed record EntityOperation(
    string Name,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Input,
    string? Sender = null,
    string? ReplyEvent = null);

/// <summary>An entity's answer to an operation a workflow called: the result, or why it failed.</summary>
/// <param name="Result">The result as JSON, or null.</param>
/// <param name="Failure">What the operation threw, if it did.</param>
public sealed record EntityReply(
    [property: JsonConverter(typeof(RawJsonConverter))] string? Result,
    FailureDetails? Failure = null);
