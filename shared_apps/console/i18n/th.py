"""Thai for DLA's console: `python shared_apps/console/i18n/th.py` adds what django.po lacks (idempotent)."""
import subprocess
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[3] / "platform" / "locale" / "th" / "LC_MESSAGES" / "django.po"
TH = {
    "Money received (baht)": "เงินที่รับ (บาท)",
    "LAOs active (%)": "อปท. ที่เปิดใช้งาน (%)",
    "PAO returns filed on time (%)": "แบบ อบจ. ที่ยื่นตรงเวลา (%)",
    "Advertising applications received": "คำขออนุญาตโฆษณาที่รับ",
    "All services": "ทุกบริการ",
    "The map shows": "แผนที่แสดง",
    "Fiscal year %(year)s at a glance": "ภาพรวมปีงบประมาณ %(year)s",
    "Figure": "ตัวเลข",
    "Value": "ค่า",
    "Money received the fiscal year before (baht)": "เงินที่รับปีงบประมาณก่อน (บาท)",
    "Change on the year before (%)": "เปลี่ยนแปลงจากปีก่อน (%)",
    "Payments": "จำนวนการชำระ",
    "LAOs with money received": "อปท. ที่มีเงินรับ",
    "LAOs active": "อปท. ที่เปิดใช้งาน",
    "PAO returns due": "แบบ อบจ. ที่ต้องยื่น",
    "Permits issued": "ใบอนุญาตที่ออก",
    "Decided within the deadline (%)": "พิจารณาทันกำหนด (%)",
    "Money received by fiscal year (baht)": "เงินที่รับรายปีงบประมาณ (บาท)",
    "Money received by fiscal year": "เงินที่รับรายปีงบประมาณ",
    "Bars for the last five fiscal years; the table beside it has the figures.":
        "แท่งของห้าปีงบประมาณล่าสุด ตัวเลขอยู่ในตารางข้างกัน",
    "Money received by month (baht)": "เงินที่รับรายเดือน (บาท)",
    "Money received by month, this fiscal year and the one before": "เงินที่รับรายเดือน ปีงบประมาณนี้และปีก่อน",
    "Pairs of bars from October to September; the table beside it has the figures.":
        "แท่งคู่ตั้งแต่ตุลาคมถึงกันยายน ตัวเลขอยู่ในตารางข้างกัน",
    "Money received by LAO type (baht)": "เงินที่รับตามประเภท อปท. (บาท)",
    "Money received by LAO type": "เงินที่รับตามประเภท อปท.",
    "One bar per type.": "หนึ่งแท่งต่อประเภท",
    "Money received by service (baht)": "เงินที่รับตามบริการ (บาท)",
    "Money received by service": "เงินที่รับตามบริการ",
    "One bar per service.": "หนึ่งแท่งต่อบริการ",
    "The LAOs with the most money received": "อปท. ที่รับเงินมากที่สุด",
    "The active LAOs with the least money received": "อปท. ที่เปิดใช้งานซึ่งรับเงินน้อยที่สุด",
    "Filing compliance per PAO (months whose deadline has passed)": "การยื่นแบบของแต่ละ อบจ. (เดือนที่พ้นกำหนดยื่นแล้ว)",
    "PAO": "อบจ.",
    "Businesses registered": "ผู้ประกอบการที่จดทะเบียน",
    "Returns due": "แบบที่ต้องยื่น",
    "On time (%)": "ตรงเวลา (%)",
    "Advertising permits per municipality and SAO (the %(n)s with the most applications)":
        "ใบอนุญาตโฆษณาของเทศบาลและ อบต. (%(n)s แห่งที่มีคำขอมากที่สุด)",
    "Decided in time": "พิจารณาทันกำหนด",
    "Decided late": "พิจารณาเกินกำหนด",
    "By province": "รายจังหวัด",
    "PAO returns on time (%)": "แบบ อบจ. ตรงเวลา (%)",
    "Applications received": "คำขอที่รับ",
    "Map of Thailand: %(figure)s by province": "แผนที่ประเทศไทย: %(figure)s รายจังหวัด",
    "Provinces shaded from light (low) to dark (high); grey where there is no figure. The table “By province” has every province's figures.":
        "จังหวัดแรเงาจากสีอ่อน (ต่ำ) ถึงสีเข้ม (สูง) สีเทาคือไม่มีตัวเลข ตาราง “รายจังหวัด” มีตัวเลขของทุกจังหวัด",
    "Map of %(province)s: its LAOs": "แผนที่จังหวัด%(province)s: อปท. ในจังหวัด",
    "A point for each LAO whose location is in the registry: green active, orange not yet onboarded, red suspended. The table of LAOs of the province lists them all.":
        "จุดละหนึ่ง อปท. ที่มีพิกัดในทะเบียน: เขียวเปิดใช้งาน ส้มยังไม่เปิดระบบ แดงถูกระงับ รายชื่อทั้งหมดอยู่ในหน้ารายการ อปท.",
    "The whole country": "ทั้งประเทศ",
    "DLA's console": "ระบบงาน สถ.",
    "Figures": "ตัวเลขสรุป",
    "Only a DLA administrator may do this.": "เฉพาะผู้ดูแลระบบของ สถ. เท่านั้นที่ทำรายการนี้ได้",
    "Choose a province, a type or a list of DLA codes.": "เลือกจังหวัด ประเภท หรือรายการรหัส อปท.",
    "At most %(max)s DLA codes at a time.": "ครั้งละไม่เกิน %(max)s รหัส",
    "Not in the LAO registry: %(codes)s.": "ไม่มีในทะเบียน อปท.: %(codes)s",
    "No LAO matches what you chose.": "ไม่มี อปท. ตรงกับที่เลือก",
    "Nothing to onboard: of the %(total)s LAOs chosen, %(active)s are already active and %(suspended)s suspended.":
        "ไม่มี อปท. ที่ต้องเปิดระบบ: จาก %(total)s แห่งที่เลือก เปิดใช้งานแล้ว %(active)s แห่ง และถูกระงับ %(suspended)s แห่ง",
    "This onboarding is still running; wait for it to finish.": "การเปิดระบบนี้ยังทำงานอยู่ โปรดรอให้เสร็จก่อน",
    "Nothing left to retry: every LAO of this onboarding is onboarded.": "ไม่มีรายการให้ลองใหม่: อปท. ทุกแห่งในงานนี้เปิดระบบแล้ว",
    "Choose a role.": "เลือกบทบาท",
    "A provincial office role needs its province.": "บทบาทสำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดต้องระบุจังหวัด",
    "This account is disabled.": "บัญชีนี้ถูกปิดใช้งาน",
    "%(person)s already has this role.": "%(person)s มีบทบาทนี้อยู่แล้ว",
    "You cannot take away your own DLA administrator role; ask another administrator.":
        "ถอนบทบาทผู้ดูแลระบบ สถ. ของตนเองไม่ได้ โปรดให้ผู้ดูแลระบบคนอื่นดำเนินการ",
    "Waiting to start": "รอเริ่ม",
    "Onboarding": "กำลังเปิดระบบ",
    "Finished": "เสร็จแล้ว",
    "Finished, some failed": "เสร็จแล้ว บางแห่งไม่สำเร็จ",
    "Stopped by an error": "หยุดเพราะเกิดข้อผิดพลาด",
    "asked by": "ผู้สั่ง",
    "asked at": "เวลาที่สั่ง",
    "DLA codes asked for": "รหัส อปท. ที่ขอ",
    "retry of": "ลองใหม่ของ",
    "done": "สำเร็จ",
    "failed": "ไม่สำเร็จ",
    "onboarded now": "เปิดระบบครั้งนี้",
    "already onboarded": "เปิดระบบไว้แล้ว",
    "failures": "รายการที่ไม่สำเร็จ",
    "bulk onboarding": "การเปิดระบบครั้งละหลายแห่ง",
    "bulk onboardings": "การเปิดระบบครั้งละหลายแห่ง",
    "A DLA code is exactly 7 digits; these are not: %(codes)s": "รหัส อปท. ต้องเป็นตัวเลข 7 หลัก รายการเหล่านี้ไม่ใช่: %(codes)s",
    "DLA codes": "รหัส อปท.",
    "Optional: 7-digit codes separated by spaces, commas or new lines.": "ไม่บังคับ: รหัส 7 หลัก คั่นด้วยช่องว่าง จุลภาค หรือขึ้นบรรทัดใหม่",
    "Recorded in the LAO's history with your name.": "บันทึกในประวัติของ อปท. พร้อมชื่อของท่าน",
    "New subdomain": "ชื่อโดเมนย่อยใหม่",
    "Lowercase letters a–z, digits and hyphens.": "ตัวอักษร a–z ตัวเล็ก ตัวเลข และขีด",
    "Person": "บุคคล",
    "Their username, e-mail or 13-digit national ID; they must have signed in once.":
        "ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน 13 หลัก ผู้นั้นต้องเคยเข้าสู่ระบบแล้วหนึ่งครั้ง",
    "— for a provincial office —": "— สำหรับสำนักงานจังหวัด —",
    "LAOs by type and status": "อปท. ตามประเภทและสถานะ",
    "LAOs by province and status": "อปท. ตามจังหวัดและสถานะ",
    "Subdomain": "โดเมนย่อย",
    "Only an active LAO can be suspended, and only a suspended one reinstated.":
        "ระงับได้เฉพาะ อปท. ที่เปิดใช้งาน และคืนสถานะได้เฉพาะ อปท. ที่ถูกระงับ",
    "%(lao)s is suspended.": "ระงับ %(lao)s แล้ว",
    "%(lao)s is active again.": "%(lao)s กลับมาเปิดใช้งานแล้ว",
    "The LAO's address is now %(host)s.": "ที่อยู่ของ อปท. เปลี่ยนเป็น %(host)s แล้ว",
    "Onboarding in bulk": "เปิดระบบครั้งละหลายแห่ง",
    "Onboarding no. %(number)s": "การเปิดระบบครั้งที่ %(number)s",
    "No single account matches; check the username, e-mail or national ID.":
        "ไม่พบบัญชีที่ตรงกันเพียงบัญชีเดียว โปรดตรวจสอบชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน",
    "%(person)s now has the role.": "%(person)s ได้รับบทบาทแล้ว",
    "The role was taken away from %(person)s.": "ถอนบทบาทของ %(person)s แล้ว",
    "Who holds a DLA staff role": "ผู้มีบทบาทเจ้าหน้าที่ สถ.",
    "Given": "ให้เมื่อ",
    "Take away": "ถอนบทบาท",
    "No one yet.": "ยังไม่มี",
    "Give a role": "ให้บทบาท",
    "Give the role": "ให้บทบาท",
    "Onboarding progress": "ความคืบหน้าการเปิดระบบ",
    "You see the LAOs of your province only:": "ท่านเห็นเฉพาะ อปท. ในจังหวัดของท่าน:",
    "These pages are read-only for provincial offices.": "สำนักงานจังหวัดดูข้อมูลได้อย่างเดียว",
    "All LAOs": "อปท. ทั้งหมด",
    "Latest bulk onboardings": "การเปิดระบบครั้งละหลายแห่งล่าสุด",
    "Bulk onboardings, newest first": "การเปิดระบบครั้งละหลายแห่ง ล่าสุดก่อน",
    "No.": "ครั้งที่",
    "Asked at": "เวลาที่สั่ง",
    "Asked by": "ผู้สั่ง",
    "What": "รายการ",
    "Done": "สำเร็จ",
    "No bulk onboarding yet.": "ยังไม่มีการเปิดระบบครั้งละหลายแห่ง",
    "no. %(number)s": "ครั้งที่ %(number)s",
    "Nothing to show yet.": "ยังไม่มีข้อมูล",
    "Download this table": "ดาวน์โหลดตารางนี้",
    "Choose a province, a type, a list of DLA codes, or a combination: every registered LAO that matches all you chose gets its site (its own database schema and address). LAOs already active or suspended are left as they are. The work runs in the background; its page shows the progress.":
        "เลือกจังหวัด ประเภท รายการรหัส อปท. หรือหลายอย่างรวมกัน อปท. ที่ขึ้นทะเบียนแล้วและตรงกับทุกเงื่อนไขจะได้เว็บไซต์ของตนเอง (ฐานข้อมูลและที่อยู่ของตนเอง) อปท. ที่เปิดใช้งานแล้วหรือถูกระงับจะคงเดิม งานทำในเบื้องหลังและแสดงความคืบหน้าในหน้าของงาน",
    "Onboard these LAOs": "เปิดระบบ อปท. เหล่านี้",
    "Bulk onboardings": "การเปิดระบบครั้งละหลายแห่ง",
    "No LAO matches.": "ไม่มี อปท. ที่ตรงกัน",
    "From the figures each LAO publishes as its work is done: money received (net of reversals and refunds), PAO returns and advertising permits.":
        "จากตัวเลขที่ อปท. แต่ละแห่งส่งเมื่อทำงานเสร็จ: เงินที่รับ (หักรายการยกเลิกและคืนเงิน) แบบของ อบจ. และใบอนุญาตโฆษณา",
    "Choose the figures": "เลือกตัวเลขที่จะแสดง",
    "A choice could not be read, so the defaults are shown:": "อ่านค่าที่เลือกไม่ได้ จึงแสดงค่าตั้งต้น:",
    "%(located)s of %(total)s LAOs have a location in the registry.": "อปท. %(located)s จาก %(total)s แห่งมีพิกัดในทะเบียน",
    "Suspend this LAO": "ระงับ อปท. นี้",
    "Reinstate this LAO": "คืนสถานะ อปท. นี้",
    "Suspend": "ระงับ",
    "Reinstate": "คืนสถานะ",
    "Change the subdomain": "เปลี่ยนโดเมนย่อย",
    "What happened to this LAO in the registry, newest first": "ประวัติของ อปท. นี้ในทะเบียน ล่าสุดก่อน",
    "the system": "ระบบ",
    "Now %(host)s. The old address stops working at once.": "ขณะนี้คือ %(host)s ที่อยู่เดิมจะใช้ไม่ได้ทันที",
    "Back to the console": "กลับสู่ระบบงาน สถ.",
    "These pages are for DLA administrators and provincial local administration office staff. Your account has no DLA staff role.":
        "หน้าเหล่านี้สำหรับผู้ดูแลระบบของ สถ. และเจ้าหน้าที่สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด บัญชีของท่านไม่มีบทบาทเจ้าหน้าที่ สถ.",
    "Go to the front page": "ไปหน้าแรก",
    "retry of no. %(number)s": "ลองใหม่ของครั้งที่ %(number)s",
    "Asked for": "สิ่งที่ขอ",
    "Finished at": "เสร็จเมื่อ",
    "This page refreshes itself every two seconds until the work ends.": "หน้านี้จะโหลดใหม่เองทุกสองวินาทีจนกว่างานจะเสร็จ",
    "Refresh now": "โหลดใหม่เดี๋ยวนี้",
    "The work stopped with an error; no LAO was left half-built. Retry to go on where it stopped.":
        "งานหยุดเพราะเกิดข้อผิดพลาด ไม่มี อปท. ใดค้างอยู่ครึ่งทาง กดลองใหม่เพื่อทำต่อจากที่หยุด",
    "LAOs that failed": "อปท. ที่เปิดระบบไม่สำเร็จ",
    "Each of these is still registered, with nothing built; the others are not affected.":
        "แต่ละแห่งยังอยู่ในสถานะขึ้นทะเบียน ไม่มีสิ่งใดถูกสร้าง แห่งอื่นไม่ได้รับผลกระทบ",
    "Failures and their reasons": "รายการที่ไม่สำเร็จและสาเหตุ",
    "Retry the failed ones": "ลองใหม่เฉพาะแห่งที่ไม่สำเร็จ",
    "Retried as": "ลองใหม่เป็น",
    "%(done)s of %(total)s LAOs handled": "ดำเนินการแล้ว %(done)s จาก %(total)s แห่ง",
    "Active: %(done)s · failed: %(failed)s": "เปิดใช้งาน: %(done)s · ไม่สำเร็จ: %(failed)s",
    "onboarded now: %(now)s, already active or suspended: %(before)s": "เปิดระบบครั้งนี้: %(now)s เปิดไว้แล้วหรือถูกระงับ: %(before)s",
    "onboarding no. %(number)s": "การเปิดระบบครั้งที่ %(number)s",
    "A suspended LAO's site tells its visitors it is closed; nothing of its data is removed.":
        "เว็บไซต์ของ อปท. ที่ถูกระงับจะแจ้งผู้เข้าชมว่าปิดให้บริการ ข้อมูลไม่ถูกลบ",
    "DLA administrators run the platform for the whole country; provincial office staff read the console's pages for their province. Every grant and every removal is recorded in the central audit trail.":
        "ผู้ดูแลระบบของ สถ. ดูแลระบบทั้งประเทศ เจ้าหน้าที่สำนักงานจังหวัดดูหน้าของระบบงานได้เฉพาะจังหวัดของตน การให้และถอนบทบาททุกครั้งบันทึกในประวัติการใช้งานส่วนกลาง",
    "DLA's console is not open to you": "ท่านไม่มีสิทธิ์เข้าระบบงาน สถ.",
    "If you work for DLA or a provincial office, ask a DLA administrator to give your account its role. LAO officers work on their LAO's own site.":
        "หากท่านทำงานที่ สถ. หรือสำนักงานจังหวัด โปรดขอให้ผู้ดูแลระบบของ สถ. ให้บทบาทแก่บัญชีของท่าน เจ้าหน้าที่ อปท. ทำงานบนเว็บไซต์ของ อปท. ของตน",
    "Not open to you: DLA's console": "ไม่มีสิทธิ์เข้า: ระบบงาน สถ.",
    "Provincial office staff read the console's pages for their province; onboarding, suspensions, subdomains and staff roles are for DLA administrators.":
        "เจ้าหน้าที่สำนักงานจังหวัดดูหน้าของระบบงานได้เฉพาะจังหวัดของตน การเปิดระบบ การระงับ โดเมนย่อย และบทบาทเจ้าหน้าที่ เป็นงานของผู้ดูแลระบบ สถ.",
    "The LAO's site opens again as it was.": "เว็บไซต์ของ อปท. จะเปิดอีกครั้งตามเดิม",
}
PLURALS = {("%(counter)s DLA code", "%(counter)s DLA codes"): "%(counter)s รหัส อปท."}


def main():
    po = polib.pofile(str(PO))
    known = {entry.msgid: entry for entry in po}
    for msgid, msgstr in TH.items():
        entry = known.get(msgid)
        if entry is None:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        elif not entry.msgstr and not entry.msgstr_plural:
            entry.msgstr = msgstr
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    for (one, many), msgstr in PLURALS.items():
        if one not in known:
            po.append(polib.POEntry(msgid=one, msgid_plural=many, msgstr_plural={0: msgstr}))
    po.save(str(PO))
    folder = PO.parent
    subprocess.run(["msgcat", "-o", "django.po", "django.po"], cwd=folder, check=True)
    subprocess.run(["msgfmt", "--check", "-o", "django.mo", "django.po"], cwd=folder, check=True)


if __name__ == "__main__":
    main()
