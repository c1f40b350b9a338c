// Which files of a folder are images nn reads, and which names are left out: the one list of
// image extensions and the one rule of names, for image_folder, nn predict and the editor's
// "NN: Predict" file dialog. No dependencies (the extension imports it).

/**
 * THE file extensions read as images (lower case, with the dot), by image_folder and nn predict:
 * PNG, and JPEG under each of its names (.jfif is what Windows and browsers save a JPEG as, .jpe
 * an old short form). The content decides the format, never the extension.
 */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.jpe', '.jfif'];

/** Images of formats nn has no decoder for (torchvision's ImageFolder reads some of them): named, never read. */
export const OTHER_IMAGE_EXTENSIONS: readonly string[] = ['.gif', '.bmp', '.webp', '.tif', '.tiff', '.heic', '.avif', '.ppm', '.pgm'];

/**
 * THE rule for the entries of a folder of images that are not read (image_folder's class folders
 * and what lies under them; the folders nn predict is given): a name starting with '.' (a hidden
 * folder such as .git or .ipynb_checkpoints; .DS_Store; the AppleDouble file `._cat.png` that
 * macOS writes beside each file it copies to a zip or a FAT disk, which holds metadata, not an
 * image), and `__MACOSX`, the folder macOS's zip puts those files in. Keras'
 * image_dataset_from_directory leaves out class folders starting with '.'; torchvision's
 * ImageFolder leaves out nothing (a `.ipynb_checkpoints` folder becomes a class, and `._cat.png`
 * fails to decode).
 */
export function leftOutName(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX';
}

/**
 * Of the names leftOutName leaves out, those a note names: macOS's `__MACOSX` folder and its `._`
 * files, which a user who unzipped an archive did not put there. A hidden folder or file of the
 * user's own (.git, .vscode, .ipynb_checkpoints) is left out without a word, as Keras leaves it:
 * a note on every run of image_folder(".") would say nothing new.
 */
export function namedWhenLeftOut(name: string): boolean {
  return name === '__MACOSX' || name.startsWith('._');
}

/** A file name that says it is an image of a format nn reads (.png, .jpg, ...). */
export function isImageName(name: string): boolean {
  return extensionIn(name, IMAGE_EXTENSIONS) !== undefined;
}

/** The extension of a file name among `exts` (lower-cased, with its dot), if it has one of them. */
export function extensionIn(name: string, exts: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return exts.find((e) => lower.endsWith(e));
}
