import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useTranslate } from 'react-admin';
import { ToneChip, useEnumLabel } from '../../components/fields';

export interface CaReportLineView {
  line: number;
  couponCodeHint: string;
  deviceSerial: string;
  certificateKind: string;
  outcome: string;
  message: string;
}

/** The lines of a report with their outcome (in Italian) and the server's detail. */
export function OutcomeTable({ lines }: { lines: CaReportLineView[] }) {
  const translate = useTranslate();
  const label = useEnumLabel();
  return (
    <Table size="small" aria-label={translate('app.caReports.lines')} data-testid="ca-report-lines">
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.caReports.line')}</TableCell>
          <TableCell>{translate('app.caReports.coupon')}</TableCell>
          <TableCell>{translate('app.caReports.device')}</TableCell>
          <TableCell>{translate('app.caReports.certificate')}</TableCell>
          <TableCell>{translate('app.caReports.outcome')}</TableCell>
          <TableCell>{translate('app.caReports.detail')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {lines.map((l) => (
          <TableRow key={l.line} data-testid={`ca-report-line-${l.line}`}>
            <TableCell>{l.line}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace' }}>{l.couponCodeHint}</TableCell>
            <TableCell>{l.deviceSerial}</TableCell>
            <TableCell>{label('certificateKind', l.certificateKind) || l.certificateKind}</TableCell>
            <TableCell>
              <ToneChip tone={l.outcome === 'applied' ? 'success' : 'warning'} label={label('caReportOutcome', l.outcome)} testId={`caReportOutcome-${l.outcome}`} />
            </TableCell>
            <TableCell>{l.message}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
