using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;

namespace RoleManager.Cli;

/// <summary>
/// Every parse error as one sentence that names the flag or word, what is wrong and what to write instead.
/// System.CommandLine's own messages ("Unrecognized command or argument", "Required argument missing for
/// option", a list of allowed values one per line, typo suggestions that offer -c -h -p for a stray word)
/// followed by the whole help page hid the one line that mattered.
/// </summary>
public static class ParseErrors
{
    public static IReadOnlyList<string> Sentences(ParseResult result)
    {
        var command = result.CommandResult.Command;
        string name = command is RootCommand ? "role-manager" : $"role-manager {command.Name}";
        var sentences = new List<string>();
        string? previous = null;
        foreach (string token in result.UnmatchedTokens)
        {
            // The value of an unknown option (check --lock-timeout 1s) is not a second mistake.
            if (!(previous is not null && previous.StartsWith('-') && !previous.Contains('=') && !token.StartsWith('-')))
                sentences.Add(Unmatched(command, name, token));
            previous = token;
        }
        foreach (var error in result.Errors)
        {
            string? sentence = error.SymbolResult switch
            {
                // Reported above, token by token.
                CommandResult when result.UnmatchedTokens.Count > 0 => null,
                CommandResult { Command: RootCommand } root => NoCommand(root.Command),
                OptionResult option => OfOption(name, option.Option, option.Tokens, error.Message),
                ArgumentResult { Parent: OptionResult option } => OfOption(name, option.Option, option.Tokens, error.Message),
                _ => Sentence(error.Message),
            };
            if (sentence is not null && !sentences.Contains(sentence)) sentences.Add(sentence);
        }
        return sentences;
    }

    private static string Unmatched(Command command, string name, string token)
    {
        if (command is RootCommand)
            return $"'{token}' is not a command of role-manager: use one of {Commands(command)}.";
        if (token.StartsWith('-'))
            return $"{name} has no option {token.Split('=')[0]}; '{name} --help' lists its options.";
        return $"{name} takes no arguments, but '{token}' was given: every input is an option (e.g. --config FILE), see '{name} --help'.";
    }

    private static string NoCommand(Command root) => $"Give a command: one of {Commands(root)} ('role-manager --help' describes them).";

    private static string Commands(Command root) => string.Join(", ", root.Subcommands.Select(c => c.Name));

    private static string OfOption(string name, Option option, IReadOnlyList<Token> tokens, string message)
    {
        var allowed = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
        if (tokens.Count == 0)
        {
            // psql's -h: the host, never the help (which is --help or -?).
            if (option.Name == "--host") return $"--host (-h) needs a value after it: the database host, as in psql; help is {name} --help or -?.";
            if (allowed.Count > 0) return $"{option.Name} needs a value after it: one of {string.Join(", ", allowed)}.";
            if (option.ValueType == typeof(int?) || option.ValueType == typeof(int)) return $"{option.Name} needs a number after it, e.g. {option.Name} 5432.";
            return $"{option.Name} needs a value after it; '{name} --help' says what it takes.";
        }
        // Our own parsers (--port, durations) already write sentences ending in a full stop; keep them.
        if (message.EndsWith('.') && message.StartsWith(option.Name, StringComparison.Ordinal)) return message;
        string value = Shown(option, tokens[0].Value);
        // The report's formats are --format's; --output there only says json (or text) as on the other commands.
        if (option.Name == "--output" && name == "role-manager report" && !allowed.Contains(value))
            return $"--output '{value}' is not one of {string.Join(", ", allowed)}: the report's format is chosen with --format (table, json, markdown, html), e.g. --format {value}.";
        if (allowed.Count > 0 && !allowed.Contains(value))
            return $"{option.Name} '{value}' is not one of {string.Join(", ", allowed)}.";
        if (tokens.Count > 1)
            return $"{option.Name} takes one value, but {tokens.Count} were given ({string.Join(", ", tokens.Select(t => $"'{Shown(option, t.Value)}'"))}).";
        return $"{option.Name} '{value}' is not valid: {Sentence(message)}";
    }

    /// <summary>A connection string may hold a password: an error never repeats one.</summary>
    private static string Shown(Option option, string value) => option.Name == "--connection" ? "(connection string not shown)" : value;

    private static string Sentence(string message)
    {
        string text = message.Trim();
        return text.Length == 0 ? "The command line could not be read." : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");
    }
}
