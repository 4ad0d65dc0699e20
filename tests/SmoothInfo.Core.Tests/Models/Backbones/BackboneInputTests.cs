using SmoothInfo.Models.Backbones;

namespace SmoothInfo.Tests.Models.Backbones;

/// <summary>What an image becomes before the backbone: three planes, bilinear resize, the 0..255 scale.</summary>
public sealed class BackboneInputTests
{
    [Test]
    public void ImageLayoutsAreGreyOrOneOrThreeChannelGrids()
    {
        Assert.That(ImageLayout.Of(new[] { 28, 28 }), Is.EqualTo(new ImageLayout(1, 28, 28)));
        Assert.That(ImageLayout.Of(new[] { 1, 8, 6 }), Is.EqualTo(new ImageLayout(1, 8, 6)));
        Assert.That(ImageLayout.Of(new[] { 3, 32, 32 }), Is.EqualTo(new ImageLayout(3, 32, 32)));
        Assert.That(ImageLayout.Of(new[] { 784 }), Is.Null, "a table row");
        Assert.That(ImageLayout.Of(new[] { 4, 8, 8 }), Is.Null, "four channels: not an RGB image");
        Assert.That(ImageLayout.Of(new[] { 2, 3, 8, 8 }), Is.Null);
    }

    [Test]
    public void GreyIsReplicatedToTheThreeChannelsAndScaled()
    {
        var output = new float[3 * 4 * 4];
        BackboneInput.Fill(new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, new ImageLayout(1, 2, 2), 255f, 4, output);
        Assert.That(output, Is.All.EqualTo(127.5f));
    }

    [Test]
    public void ColourPlanesStayInTheirChannels()
    {
        var pixels = new float[] { 10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30 };
        var output = new float[3 * 3 * 3];
        BackboneInput.Fill(pixels, new ImageLayout(3, 2, 2), 1f, 3, output);
        Assert.That(output[..9], Is.All.EqualTo(10f));
        Assert.That(output[9..18], Is.All.EqualTo(20f));
        Assert.That(output[18..], Is.All.EqualTo(30f));
    }

    [Test]
    public void ResizeIsBilinearWithHalfPixelCentresAndClampedEdges()
    {
        // A 1x2 row [0, 100] widened to 4: source coordinates -0.25, 0.25, 0.75, 1.25 clamp to 0, 0.25, 0.75, 1.
        var output = new float[3 * 4 * 4];
        BackboneInput.Fill(new float[] { 0, 100 }, new ImageLayout(1, 1, 2), 1f, 4, output);
        Assert.That(output[..4], Is.EqualTo(new[] { 0f, 25f, 75f, 100f }));
        Assert.That(output[12..16], Is.EqualTo(new[] { 0f, 25f, 75f, 100f }), "every row alike: the source has one");
    }

    [Test]
    public void DownsizingAveragesNeighbours()
    {
        // 4 -> 2: output centres fall between source pixels 0,1 and 2,3.
        var pixels = new float[] { 0, 10, 20, 30 };
        var output = new float[3 * 2 * 2];
        BackboneInput.Fill(pixels, new ImageLayout(1, 1, 4), 1f, 2, output);
        Assert.That(output[..2], Is.EqualTo(new[] { 5f, 25f }));
    }
}
