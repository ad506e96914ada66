using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MLNet.Cnn.Data;

/// <summary>
/// Images of one shape [C, H, W] in a file: image i at byte offset i · C·H·W · (1 or 4), appended one at a time, then read
/// by index from any thread with positional reads (pread). The file is not memory-mapped on purpose: mapped pages that were
/// read count in the process's resident memory, while the OS's page cache keeps the hot part of the file in memory outside
/// it and drops it under pressure. So the process holds none of the images, whatever their number, and the only limit is
/// the disk. A temporary cache (<see cref="CreateTemporary"/>) is deleted when it is disposed, or when the process ends.
/// </summary>
public sealed class PixelCache : IDisposable
{
    private readonly FileStream _file;
    private readonly SafeFileHandle _handle;
    private readonly int _valueSize;
    private bool _complete;
    private byte[]? _staging;

    private PixelCache(FileStream file, PixelStorage storage, int channels, int height, int width)
    {
        ImageSize = SampleLayout.CheckedImageSize(channels, height, width);
        (_file, _handle, Storage, Channels, Height, Width) = (file, file.SafeFileHandle, storage, channels, height, width);
        _valueSize = storage == PixelStorage.Bytes ? 1 : sizeof(float);
        ImageBytes = checked(ImageSize * _valueSize);
    }

    /// <summary>
    /// An empty cache in a new file of <paramref name="directory"/> (null: the system's temporary folder), deleted when the
    /// cache is disposed.
    /// </summary>
    public static PixelCache CreateTemporary(string? directory, PixelStorage storage, int channels, int height, int width)
    {
        if (!Enum.IsDefined(storage)) throw new ArgumentException($"PixelStorage {(int)storage} is not Bytes or Floats.", nameof(storage));
        directory ??= System.IO.Path.GetTempPath();
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, $"mlnet-cnn-{Guid.NewGuid():N}.pixels");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1 << 20,
            FileOptions.DeleteOnClose | FileOptions.RandomAccess);
        return new PixelCache(file, storage, channels, height, width);
    }

    /// <summary>How each pixel is stored: a byte or a float.</summary>
    public PixelStorage Storage { get; }
    /// <summary>C, the channels of every image.</summary>
    public int Channels { get; }
    /// <summary>H, the height of every image in pixels.</summary>
    public int Height { get; }
    /// <summary>W, the width of every image in pixels.</summary>
    public int Width { get; }

    /// <summary>Values per image: C·H·W.</summary>
    public int ImageSize { get; }

    /// <summary>Bytes per image on disk.</summary>
    public int ImageBytes { get; }

    /// <summary>Images appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>The file, for messages.</summary>
    public string Path => _file.Name;

    /// <summary>Appends an image of <see cref="ImageSize"/> values; with <see cref="PixelStorage.Bytes"/> each must be a whole number in 0 … 255.</summary>
    public void Append(ReadOnlySpan<float> image)
    {
        CheckAppend(image.Length);
        if (Storage == PixelStorage.Floats)
        {
            _file.Write(MemoryMarshal.AsBytes(image));
        }
        else
        {
            var bytes = _staging ??= new byte[ImageSize];   // one per cache: appending is single-threaded
            for (int i = 0; i < image.Length; i++)
            {
                float v = image[i];
                if (!(v >= 0 && v <= 255) || v != MathF.Round(v))
                    throw new ArgumentException($"Value {i} of image {Count} is {v}; a byte cache stores whole numbers 0 … 255.", nameof(image));
                bytes[i] = (byte)v;
            }
            _file.Write(bytes);
        }
        Count++;
    }

    /// <summary>Appends an image of <see cref="ImageSize"/> bytes (<see cref="PixelStorage.Bytes"/> only).</summary>
    public void Append(ReadOnlySpan<byte> image)
    {
        if (Storage != PixelStorage.Bytes) throw new InvalidOperationException("This cache stores floats; append the image as floats.");
        CheckAppend(image.Length);
        _file.Write(image);
        Count++;
    }

    /// <summary>Writes what was appended to the file; after this, images are read and no more appended.</summary>
    public void Complete()
    {
        if (_complete) return;
        _file.Flush();
        _complete = true;
    }

    /// <summary>
    /// Image <paramref name="index"/> as floats: stored bytes b become b · <paramref name="scale"/> (stored floats are
    /// copied as they are). <paramref name="raw"/> holds <see cref="ImageBytes"/> bytes of scratch (any thread its own).
    /// </summary>
    public void Read(int index, Span<float> destination, float scale, Span<byte> raw)
    {
        if (!_complete) throw new InvalidOperationException("The cache is still being written; call Complete first.");
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} is outside 0 … {Count - 1}.");
        if (destination.Length != ImageSize) throw new ArgumentException($"An image has {ImageSize} values; the destination {destination.Length}.", nameof(destination));
        if (Storage == PixelStorage.Floats) ReadExactly(index, MemoryMarshal.AsBytes(destination));
        else
        {
            raw = raw[..ImageBytes];
            ReadExactly(index, raw);
            TensorPrimitives.ConvertTruncating<byte, float>(raw, destination);
            if (scale != 1) TensorPrimitives.Multiply(destination, scale, destination);
        }
    }

    private void ReadExactly(int index, Span<byte> buffer)
    {
        long offset = (long)index * ImageBytes;
        for (int done = 0; done < buffer.Length;)
        {
            int read = RandomAccess.Read(_handle, buffer[done..], offset + done);
            if (read == 0) throw new EndOfStreamException($"The pixel cache '{Path}' ends inside image {index}.");
            done += read;
        }
    }

    private void CheckAppend(int length)
    {
        if (_complete) throw new InvalidOperationException("The cache is complete; no more images can be appended.");
        if (length != ImageSize)
            throw new ArgumentException($"Image {Count} has {length} values; the cache holds {Channels}×{Height}×{Width} = {ImageSize}.", "image");
    }

    /// <summary>Closes the file (a temporary cache is deleted with it).</summary>
    public void Dispose() => _file.Dispose();
}
