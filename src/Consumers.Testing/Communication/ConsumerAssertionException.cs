namespace Consumers.Testing.Communication;

/// <summary>
/// Thrown by <see cref="ConsumerCommunicator.AssertNothingReceivedAsync"/> when a frame arrived; any test framework
/// reports it as a failed test (the kit references none).
/// </summary>
public sealed class ConsumerAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and the frames that arrived instead.</param>
    public ConsumerAssertionException(string message)
        : base(message)
    {
    }
}
