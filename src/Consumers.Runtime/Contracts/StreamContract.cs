namespace Consumers.Contracts;

/// <summary>One consumer served by a consumer endpoint.</summary>
/// <param name="Stream">The stream name on a multiplexed endpoint, else null.</param>
/// <param name="Contract">The consumer's contract.</param>
internal sealed record StreamContract(string? Stream, ConsumerContract Contract);
