/** The committed SDL, wherever this package is installed or linked. */
export declare const schemaUrl: URL;
