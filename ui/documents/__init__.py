"""公文: the document register, the editor, the PDF preview and printing."""
