// A button that opens a dialog to send a file (the devices' import and the CA's report as CSV, the
// bank's statement as XML): the file chosen, the fields of the upload's own, then the server's answer shown in the dialog.
import UploadFileIcon from '@mui/icons-material/UploadFile';
import { Box, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Typography } from '@mui/material';
import { useId, useState, type ReactNode } from 'react';
import { Button, useTranslate } from 'react-admin';

interface CsvUploadDialogProps<A> {
  /** Translation keys: the button and the dialog's title, its help, the file's label, the send button. */
  label: string;
  help: string;
  fileLabel: string;
  sendLabel: string;
  maxWidth?: 'md' | 'lg';
  /** The file chooser's `accept`: CSV unless told. */
  accept?: string;
  /** Sends the file's text; the answer to show, or null when the command failed (its error is notified). */
  send(text: string, file: File): Promise<A | null>;
  running: boolean;
  /** The answer as the dialog shows it. */
  answerView(answer: A): ReactNode;
  /** The upload's own fields, between the file and the answer. */
  children?: ReactNode;
  /** Called when the dialog closes, to reset the upload's own fields. */
  onClose?(): void;
}

export function CsvUploadDialog<A>({ label, help, fileLabel, sendLabel, maxWidth = 'md', accept = '.csv,text/csv', send, running, answerView, children, onClose }: CsvUploadDialogProps<A>) {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<A | null>(null);
  const titleId = useId();
  const inputId = useId();

  const close = () => {
    setOpen(false);
    setFile(null);
    setAnswer(null);
    onClose?.();
  };
  const upload = async () => {
    if (!file) return;
    setAnswer(await send(await file.text(), file));
  };

  return (
    <>
      <Button label={label} onClick={() => setOpen(true)}>
        <UploadFileIcon />
      </Button>
      <Dialog open={open} onClose={() => !running && close()} aria-labelledby={titleId} fullWidth maxWidth={maxWidth}>
        <DialogTitle id={titleId}>{translate(label)}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate(help)}</DialogContentText>
          <Box sx={{ mb: 2 }}>
            <label htmlFor={inputId}>
              <Typography component="span" variant="body2" sx={{ mr: 1 }}>
                {translate(fileLabel)}
              </Typography>
            </label>
            <input
              id={inputId}
              type="file"
              accept={accept}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setAnswer(null);
              }}
            />
          </Box>
          {children}
          {answer ? answerView(answer) : null}
        </DialogContent>
        <DialogActions>
          <Button label="ra.action.close" onClick={close} disabled={running} />
          <Button label={sendLabel} variant="contained" onClick={() => void upload()} disabled={!file || running}>
            <UploadFileIcon />
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
