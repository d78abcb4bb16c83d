using StbImageSharp;

namespace ForumCloud.Tests.Desk;

/// <summary>
/// A clip for Chromium's fake camera (--use-file-for-fake-video-capture): YUV4MPEG2, 4:2:0, the given PNG (the QR
/// code exactly as the confirmation mail carried it) centred on white, scaled by whole pixels. Y4M is raw frames
/// behind a text header, so no video encoder is needed; Chromium loops the file.
/// </summary>
public static class FakeCamera
{
    public static void WriteY4m(byte[] png, string path, int width = 640, int height = 480, int frames = 10)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.Grey);
        var scale = Math.Max(1, Math.Min((height - 80) / image.Height, (width - 80) / image.Width));
        var luma = new byte[width * height];
        Array.Fill(luma, (byte)235); // white in studio-range luma
        var left = (width - image.Width * scale) / 2;
        var top = (height - image.Height * scale) / 2;
        for (var y = 0; y < image.Height * scale; y++)
        {
            for (var x = 0; x < image.Width * scale; x++)
            {
                var grey = image.Data[(y / scale) * image.Width + x / scale];
                luma[(top + y) * width + left + x] = (byte)(16 + grey * 219 / 255);
            }
        }

        var chroma = new byte[width / 2 * (height / 2)];
        Array.Fill(chroma, (byte)128); // no colour
        using var file = File.Create(path);
        var header = System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n");
        file.Write(header);
        var frameHeader = System.Text.Encoding.ASCII.GetBytes("FRAME\n");
        for (var i = 0; i < frames; i++)
        {
            file.Write(frameHeader);
            file.Write(luma);
            file.Write(chroma); // U
            file.Write(chroma); // V
        }
    }
}
