namespace Consumers.Groups.Nats.Client;

/// <summary>Subject and queue-name rules (stricter than nats.net, which only rejects empty or whitespace subjects).</summary>
internal static class NatsSubject
{
    /// <summary>Validates a subject: non-empty <c>.</c>-separated tokens, no whitespace or control characters,
    /// and, where allowed, <c>*</c> / <c>&gt;</c> only as whole tokens with <c>&gt;</c> last.</summary>
    /// <exception cref="ArgumentException">The subject is invalid; the message says why.</exception>
    public static void Validate(string subject, bool allowWildcards, string paramName)
    {
        if (!TryValidate(subject, allowWildcards, out var error))
        {
            throw new ArgumentException($"Invalid NATS subject '{subject}': {error}", paramName);
        }
    }

    public static bool TryValidate(string? subject, bool allowWildcards, out string error)
    {
        if (string.IsNullOrEmpty(subject))
        {
            error = "the subject is empty.";
            return false;
        }

        var tokenStart = 0;
        for (var i = 0; i <= subject.Length; i++)
        {
            if (i < subject.Length && subject[i] != '.')
            {
                var c = subject[i];
                if (char.IsWhiteSpace(c) || char.IsControl(c))
                {
                    error = $"it contains whitespace or a control character at position {i}.";
                    return false;
                }

                continue;
            }

            var token = subject.AsSpan(tokenStart, i - tokenStart);
            if (token.IsEmpty)
            {
                error = "it contains an empty token (leading, trailing or doubled '.').";
                return false;
            }

            var hasWildcard = token.IndexOfAny('*', '>') >= 0;
            if (hasWildcard)
            {
                if (!allowWildcards)
                {
                    error = "wildcards ('*', '>') are not allowed here.";
                    return false;
                }

                if (token.Length != 1)
                {
                    error = $"wildcards must be whole tokens ('{token.ToString()}').";
                    return false;
                }

                if (token[0] == '>' && i != subject.Length)
                {
                    error = "'>' must be the last token.";
                    return false;
                }
            }

            tokenStart = i + 1;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>Validates a queue group name: same character rules as a subject, no wildcards.</summary>
    public static void ValidateQueue(string queue, string paramName)
    {
        if (!TryValidate(queue, allowWildcards: false, out var error))
        {
            throw new ArgumentException($"Invalid NATS queue group '{queue}': {error}", paramName);
        }
    }
}
