// The history page of a record (see components/timeTravel.tsx, where the record screens' button is too).
import { TimeTravelPage } from '../../components/timeTravel';

export default TimeTravelPage;
