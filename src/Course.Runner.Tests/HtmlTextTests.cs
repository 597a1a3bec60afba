using Course.Runner;

namespace Course.Runner.Tests;

public class HtmlTextTests
{
    [Fact]
    public void ToPlainText_AlignsATableUnderItsCaption()
    {
        var html = "<table><caption>checks</caption><thead><tr><th>tensor</th><th>close</th></tr></thead>"
            + "<tbody><tr><td><code>w1.grad</code></td><td>yes</td></tr><tr><td>b</td><td>no &amp; wrong</td></tr></tbody></table>";
        Assert.Equal("checks\ntensor   close\n-------  ----------\nw1.grad  yes\nb        no & wrong", HtmlText.ToPlainText(html));
    }

    [Fact]
    public void ToPlainText_DropsTagsOfOtherHtml()
    {
        Assert.Equal("Loss: 0.5\nAccuracy: 90%", HtmlText.ToPlainText("<p><b>Loss:</b> 0.5</p><div>Accuracy: 90%</div>"));
    }
}
