/** A structural unit of a document (paragraph, table, record) and where it sits. */
export interface DocBlock {
  text: string;
  heading_path: string[];
}
