using System.Net;
using Course.Exercises;

namespace Foundations.Interactive;

/// <summary>An exercise check's result as a small coloured box: green when correct, grey when not attempted, amber when not right yet.</summary>
public static class ExerciseHtml
{
    public static string Render(ExerciseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (border, background) = result.Status switch
        {
            ExerciseStatus.Correct => ("#2e7d32", "#edf7ed"),
            ExerciseStatus.NotAttempted => ("#757575", "#f5f5f5"),
            _ => ("#b26a00", "#fff4e5"),
        };
        var heading = $"Exercise {result.Exercise}: {ExerciseResult.StatusText(result.Status)}";
        var body = result.Message.Length == 0 ? "" :
            $"<div style=\"white-space: pre-wrap; margin-top: 0.3em\">{WebUtility.HtmlEncode(result.Message)}</div>";
        return $"<div class=\"foundations-exercise\" data-status=\"{result.Status}\" style=\"border-left: 4px solid {border}; " +
               $"background: {background}; padding: 0.4em 0.8em; margin: 0.3em 0\"><strong>{WebUtility.HtmlEncode(heading)}</strong>{body}</div>";
    }
}
